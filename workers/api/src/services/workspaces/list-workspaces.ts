import { and, asc, eq, isNull } from "drizzle-orm";
import { workspaceMembers, workspaces } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";

/** The workspaces the user belongs to (deleted ones no longer), with their role in each. */
export async function listWorkspaces({ ctx, input }: { ctx: ServiceContext; input: { userId: string } }) {
  const rows = await ctx
    .http()
    .select({ id: workspaces.id, name: workspaces.name, ownerId: workspaces.ownerId, role: workspaceMembers.role })
    .from(workspaceMembers)
    .innerJoin(workspaces, and(eq(workspaces.id, workspaceMembers.workspaceId), isNull(workspaces.deletedAt)))
    .where(eq(workspaceMembers.userId, input.userId))
    .orderBy(asc(workspaces.name), asc(workspaces.id))
    .limit(500);
  return rows.map((row) => ({ id: row.id, name: row.name, owner_id: row.ownerId, role: row.role }));
}
