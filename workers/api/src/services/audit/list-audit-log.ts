/**
 * The workspace's audit log (S3), newest first, filtered and paged by cursor. The cursor carries
 * the id of the last row of a page; the next page continues below that row's (created_at, id),
 * compared in SQL so the timestamps keep their microseconds. Rows are never updated and new ones
 * are newer, so pages neither repeat nor skip rows while the log grows.
 */
import { and, desc, eq, gte, isNull, lt, sql, type SQL } from "drizzle-orm";
import { auditLog, users } from "@xr2/db/schema";
import * as z from "zod";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { decodeCursor, pageOf } from "../pagination/cursor.ts";

const cursorSchema = z.strictObject({ id: z.string().max(64) });

export interface ListAuditLogInput {
  /** The workspace's log, or null for the platform's own (the admin console's actions, S4). */
  workspaceId: string | null;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  actorUserId?: string | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function listAuditLog({ ctx, input }: { ctx: ServiceContext; input: ListAuditLogInput }) {
  if (input.from && input.to && input.from >= input.to) throw new ApiError("VALIDATION_FAILED", "'from' must be before 'to'");
  const db = ctx.http();
  const inLog = input.workspaceId === null ? isNull(auditLog.workspaceId) : eq(auditLog.workspaceId, input.workspaceId);
  const conditions: SQL[] = [inLog];
  if (input.action !== undefined) conditions.push(eq(auditLog.action, input.action));
  if (input.targetType !== undefined) conditions.push(eq(auditLog.targetType, input.targetType));
  if (input.targetId !== undefined) conditions.push(eq(auditLog.targetId, input.targetId));
  if (input.actorUserId !== undefined) conditions.push(eq(auditLog.actorUserId, input.actorUserId));
  if (input.from) conditions.push(gte(auditLog.createdAt, input.from));
  if (input.to) conditions.push(lt(auditLog.createdAt, input.to));
  if (input.cursor !== undefined) {
    const { id } = decodeCursor(input.cursor, cursorSchema);
    // Only rows of this workspace can be cursors: another tenant's id is as invalid as garbage.
    const [anchor] = await db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(and(eq(auditLog.id, id), inLog))
      .limit(1);
    if (!anchor) throw new ApiError("VALIDATION_FAILED", "cursor does not belong to this list");
    conditions.push(sql`(${auditLog.createdAt}, ${auditLog.id}) < (select anchor.created_at, anchor.id from ${auditLog} anchor where anchor.id = ${id})`);
  }
  const rows = await db
    .select({ entry: auditLog, actor: { id: users.id, email: users.email, name: users.name } })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(...conditions))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(input.limit + 1);
  const { page, next_cursor } = pageOf(rows, input.limit, (last) => ({ id: last.entry.id }));
  return {
    entries: page.map(({ entry, actor }) => ({
      id: entry.id,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      actor_user_id: entry.actorUserId,
      actor: actor?.id ? { id: actor.id, email: actor.email, name: actor.name } : null,
      before: entry.before,
      after: entry.after,
      request_id: entry.requestId,
      created_at: entry.createdAt.toISOString(),
    })),
    next_cursor,
  };
}
