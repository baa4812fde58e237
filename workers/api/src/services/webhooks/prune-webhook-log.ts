/**
 * Retention of the webhook outbox and delivery log: events older than WEBHOOK_LOG_RETENTION_DAYS
 * go, with their deliveries and attempts (ON DELETE CASCADE). One bounded batch per call; the
 * scheduled aggregation job calls it on every run, so a backlog drains over a few runs.
 */
import { sql } from "drizzle-orm";
import { webhookEvents } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";

export const WEBHOOK_LOG_RETENTION_DAYS = 30;
const BATCH = 1_000;

export async function pruneWebhookLog({ ctx }: { ctx: ServiceContext }): Promise<{ deleted: number }> {
  const result = await ctx.db().execute(sql`
    delete from ${webhookEvents} where id = any(array(
      select id from ${webhookEvents}
      where dispatched_at is not null and created_at < now() - make_interval(days => ${WEBHOOK_LOG_RETENTION_DAYS})
      limit ${BATCH}))`);
  return { deleted: result.rowCount ?? 0 };
}
