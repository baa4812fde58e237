/**
 * The platform's users for the admin console (S4): searched by e-mail or name (a substring,
 * case-insensitive), filtered by status, newest first, paged by cursor like the audit log
 * (the id of a page's last row; the next page continues below its (created_at, id)).
 */
import { and, desc, eq, ilike, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import { users, workspaceMembers, workspaces } from "@xr2/db/schema";
import * as z from "zod";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { decodeCursor, pageOf } from "../pagination/cursor.ts";

const cursorSchema = z.strictObject({ id: z.string().max(64) });

export interface ListUsersInput {
  query?: string | undefined;
  status: "all" | "active" | "disabled";
  limit: number;
  cursor?: string | undefined;
}

/** `%` and `_` typed in the search box are literal characters, not wildcards. */
export function likePattern(text: string): string {
  return `%${text.replaceAll(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export async function listUsers({ ctx, input }: { ctx: ServiceContext; input: ListUsersInput }) {
  const db = ctx.http();
  const conditions: SQL[] = [];
  if (input.query) conditions.push(or(ilike(users.email, likePattern(input.query)), ilike(users.name, likePattern(input.query)))!);
  if (input.status === "active") conditions.push(isNull(users.disabledAt));
  if (input.status === "disabled") conditions.push(isNotNull(users.disabledAt));
  if (input.cursor !== undefined) {
    const { id } = decodeCursor(input.cursor, cursorSchema);
    const [anchor] = await db.select({ id: users.id }).from(users).where(eq(users.id, id)).limit(1);
    if (!anchor) throw new ApiError("VALIDATION_FAILED", "cursor does not belong to this list");
    conditions.push(sql`(${users.createdAt}, ${users.id}) < (select anchor.created_at, anchor.id from ${users} anchor where anchor.id = ${id})`);
  }
  const rows = await db
    .select({
      user: users,
      workspaceCount: sql<number>`(select count(*)::int from ${workspaceMembers} where ${workspaceMembers.userId} = ${users.id})`,
      ownedCount: sql<number>`(select count(*)::int from ${workspaces} where ${workspaces.ownerId} = ${users.id})`,
    })
    .from(users)
    .where(and(...conditions))
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(input.limit + 1);
  const { page, next_cursor } = pageOf(rows, input.limit, (last) => ({ id: last.user.id }));
  return {
    users: page.map(({ user, workspaceCount, ownedCount }) => ({ ...adminUserView(user), workspace_count: workspaceCount, owned_workspace_count: ownedCount })),
    next_cursor,
  };
}

/** A user as the console shows them: never the password hash. */
export function adminUserView(user: typeof users.$inferSelect) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    is_platform_admin: user.isPlatformAdmin,
    email_verified: user.emailVerifiedAt !== null,
    disabled_at: user.disabledAt?.toISOString() ?? null,
    last_login_at: user.lastLoginAt?.toISOString() ?? null,
    created_at: user.createdAt.toISOString(),
  };
}
