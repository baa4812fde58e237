/**
 * GET /metrics' body: this isolate's pending counts are flushed first, then the shared totals are
 * read from Redis (one pipelined call) and the pending dead letters counted in Postgres (a partial
 * index holds exactly those rows), and everything is rendered as Prometheus text.
 */
import { sql } from "drizzle-orm";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { flushMetrics, METRICS_KEYS } from "./metrics-buffer.ts";
import { renderExposition, seriesName } from "./registry.ts";

export async function readMetrics({ ctx }: { ctx: ServiceContext }): Promise<string> {
  await flushMetrics(ctx.redis());
  let hashes: Array<Record<string, unknown> | null>;
  try {
    const pipeline = ctx.redis().pipeline();
    pipeline.hgetall(METRICS_KEYS.counters);
    pipeline.hgetall(METRICS_KEYS.sumsMicros);
    pipeline.hgetall(METRICS_KEYS.gauges);
    hashes = await pipeline.exec();
  } catch (error) {
    throw new ApiError("DEPENDENCY_UNAVAILABLE", "Metrics are unavailable (Redis); try again shortly", { headers: { "retry-after": "5" }, cause: error });
  }
  const values = new Map<string, number>();
  const take = (hash: Record<string, unknown> | null | undefined, scale: number) => {
    for (const [field, value] of Object.entries(hash ?? {})) {
      const number = Number(value);
      if (Number.isFinite(number)) values.set(field, number / scale);
    }
  };
  take(hashes[0], 1);
  take(hashes[1], 1e6);
  take(hashes[2], 1);
  const pending = await ctx.http().execute<{ count: number }>(sql`select count(*)::int as count from dead_letters where replayed_at is null`);
  values.set(seriesName("xr2_dead_letters_pending"), Number(pending.rows[0]?.count ?? 0));
  return renderExposition(values);
}
