/**
 * Fired and resolved alert events, newest first, paged by cursor: one rule's history, or the
 * workspace's notifications (every rule's). The cursor carries the id of the last row of a page;
 * the next page continues below that row's (occurred_at, id). Events are never updated, so
 * pages neither repeat nor skip rows while new ones arrive.
 */
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { alertEvents, alertRules } from "@xr2/db/schema";
import * as z from "zod";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { decodeCursor, pageOf } from "../pagination/cursor.ts";
import { loadAlertRule } from "./get-alert-rule.ts";

export const MAX_ALERT_EVENTS_PAGE = 200;

const cursorSchema = z.strictObject({ id: z.string().max(64) });

export interface ListAlertEventsInput {
  workspaceId: string;
  /** One rule's history; undefined for the workspace's notifications. */
  ruleId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function listAlertEvents({ ctx, input }: { ctx: ServiceContext; input: ListAlertEventsInput }) {
  if (input.ruleId !== undefined) await loadAlertRule(ctx, input.workspaceId, input.ruleId);
  const db = ctx.http();
  const scope: SQL[] = [eq(alertEvents.workspaceId, input.workspaceId)];
  if (input.ruleId !== undefined) scope.push(eq(alertEvents.ruleId, input.ruleId));
  const conditions = [...scope];
  if (input.cursor !== undefined) {
    const { id } = decodeCursor(input.cursor, cursorSchema);
    // Only rows of this list can be cursors: another tenant's id is as invalid as garbage.
    const [anchor] = await db
      .select({ id: alertEvents.id })
      .from(alertEvents)
      .where(and(eq(alertEvents.id, id), ...scope))
      .limit(1);
    if (!anchor) throw new ApiError("VALIDATION_FAILED", "cursor does not belong to this list");
    conditions.push(sql`(${alertEvents.occurredAt}, ${alertEvents.id}) < (select anchor.occurred_at, anchor.id from ${alertEvents} anchor where anchor.id = ${id})`);
  }
  const rows = await db
    .select({ event: alertEvents, rule: { name: alertRules.name, metric: alertRules.metric, promptId: alertRules.promptId, environment: alertRules.environment } })
    .from(alertEvents)
    .innerJoin(alertRules, and(eq(alertRules.workspaceId, alertEvents.workspaceId), eq(alertRules.id, alertEvents.ruleId)))
    .where(and(...conditions))
    .orderBy(desc(alertEvents.occurredAt), desc(alertEvents.id))
    .limit(input.limit + 1);
  const { page, next_cursor } = pageOf(rows, input.limit, (last) => ({ id: last.event.id }));
  return {
    events: page.map(({ event, rule }) => ({
      id: event.id,
      rule_id: event.ruleId,
      rule_name: rule.name,
      metric: rule.metric,
      prompt_id: rule.promptId,
      environment: rule.environment,
      kind: event.kind,
      value: event.value,
      threshold: event.threshold,
      experiment_id: event.experimentId,
      occurred_at: event.occurredAt.toISOString(),
    })),
    next_cursor,
  };
}
