import { asc, eq } from "drizzle-orm";
import { users, workspaceMembers } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";

export async function listMembers({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string } }) {
  const rows = await ctx
    .http()
    .select({ userId: users.id, email: users.email, name: users.name, role: workspaceMembers.role, joinedAt: workspaceMembers.createdAt })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(eq(workspaceMembers.workspaceId, input.workspaceId))
    .orderBy(asc(users.email))
    .limit(1000);
  return rows.map((row) => ({ user_id: row.userId, email: row.email, name: row.name, role: row.role, joined_at: row.joinedAt.toISOString() }));
}
