/**
 * Every workspace on the platform for the admin console (S4): searched by name, id or the
 * owner's e-mail, newest first, paged by cursor (the id of a page's last row).
 */
import { and, desc, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import { users, workspaceMembers, workspaces } from "@xr2/db/schema";
import * as z from "zod";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { decodeCursor, pageOf } from "../pagination/cursor.ts";
import { likePattern } from "./list-users.ts";

const cursorSchema = z.strictObject({ id: z.string().max(64) });

export async function listWorkspaces({ ctx, input }: { ctx: ServiceContext; input: { query?: string | undefined; limit: number; cursor?: string | undefined } }) {
  const db = ctx.http();
  const conditions: SQL[] = [];
  if (input.query) {
    const pattern = likePattern(input.query);
    conditions.push(or(ilike(workspaces.name, pattern), eq(workspaces.id, input.query), ilike(users.email, pattern))!);
  }
  if (input.cursor !== undefined) {
    const { id } = decodeCursor(input.cursor, cursorSchema);
    const [anchor] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, id)).limit(1);
    if (!anchor) throw new ApiError("VALIDATION_FAILED", "cursor does not belong to this list");
    conditions.push(sql`(${workspaces.createdAt}, ${workspaces.id}) < (select anchor.created_at, anchor.id from ${workspaces} anchor where anchor.id = ${id})`);
  }
  const rows = await db
    .select({
      workspace: workspaces,
      owner: { id: users.id, email: users.email, name: users.name },
      memberCount: sql<number>`(select count(*)::int from ${workspaceMembers} where ${workspaceMembers.workspaceId} = ${workspaces.id})`,
    })
    .from(workspaces)
    .innerJoin(users, eq(users.id, workspaces.ownerId))
    .where(and(...conditions))
    .orderBy(desc(workspaces.createdAt), desc(workspaces.id))
    .limit(input.limit + 1);
  const { page, next_cursor } = pageOf(rows, input.limit, (last) => ({ id: last.workspace.id }));
  return {
    workspaces: page.map(({ workspace, owner, memberCount }) => ({ id: workspace.id, name: workspace.name, owner, member_count: memberCount, created_at: workspace.createdAt.toISOString() })),
    next_cursor,
  };
}
