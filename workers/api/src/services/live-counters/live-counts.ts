/**
 * Live counters (A3): requests (exposures) and events per minute, per prompt and per workspace,
 * in Redis. The queue consumer adds what it inserted; GET /api/analytics/live reads the last
 * hour. Each key is one minute of one prompt (or of the workspace, `all`): a hash with fields
 * `requests` and `events` that expires after two hours.
 *
 * They are approximate by design: a row counts when it is inserted (a redelivered message
 * inserts nothing, so counts nothing), an event counts under its prompt when it is attributed,
 * and a Redis failure loses the counts of that batch (logged) rather than failing it.
 */
import { ApiError, describeError, log } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

export const LIVE_WINDOW_MINUTES = 60;
const TTL_SECONDS = 2 * 3600;
const WORKSPACE_TOTAL = "all";
/** Clients' clocks run ahead a little; anything later is not "live". */
const FUTURE_MINUTES = 5;

type Kind = "requests" | "events";

function liveKey(workspaceId: string, promptId: string, minute: number): string {
  return `live:${workspaceId}:${promptId}:${minute}`;
}

export class LiveCounts {
  readonly #counts = new Map<string, { requests: number; events: number }>();

  /** `count` stored rows at `minute` (Unix minutes); `workspaceTotal: false` when their workspace already counted them. */
  add(row: { workspace_id: string; prompt_id: string | null; minute: number; count: number }, kind: Kind, opts: { workspaceTotal?: boolean } = {}): void {
    const now = Math.floor(Date.now() / 60_000);
    if (row.minute < now - TTL_SECONDS / 60 || row.minute > now + FUTURE_MINUTES) return;
    const subjects = [...(row.prompt_id ? [row.prompt_id] : []), ...(opts.workspaceTotal === false ? [] : [WORKSPACE_TOTAL])];
    for (const subject of subjects) {
      const key = liveKey(row.workspace_id, subject, row.minute);
      const counts = this.#counts.get(key) ?? { requests: 0, events: 0 };
      counts[kind] += row.count;
      this.#counts.set(key, counts);
    }
  }

  entries() {
    return this.#counts.entries();
  }

  get size(): number {
    return this.#counts.size;
  }
}

/** Adds the counts in one pipeline; a failure is logged, never thrown. */
export async function recordLiveCounts(ctx: ServiceContext, counts: LiveCounts): Promise<void> {
  if (counts.size === 0) return;
  try {
    const pipeline = ctx.redis().pipeline();
    for (const [key, { requests, events }] of counts.entries()) {
      if (requests > 0) pipeline.hincrby(key, "requests", requests);
      if (events > 0) pipeline.hincrby(key, "events", events);
      pipeline.expire(key, TTL_SECONDS);
    }
    await pipeline.exec();
  } catch (error) {
    log("warn", "live counters not updated", { keys: counts.size, error: describeError(error) });
  }
}

export interface LiveMinute {
  minute: string;
  requests: number;
  events: number;
}

/** The last LIVE_WINDOW_MINUTES minutes (oldest first, the current one last) of a prompt or of the workspace. */
export async function readLiveCounts({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; promptId: string | null } }): Promise<LiveMinute[]> {
  const current = Math.floor(Date.now() / 60_000);
  const minutes = Array.from({ length: LIVE_WINDOW_MINUTES }, (_, index) => current - LIVE_WINDOW_MINUTES + 1 + index);
  const pipeline = ctx.redis().pipeline();
  for (const minute of minutes) pipeline.hgetall(liveKey(input.workspaceId, input.promptId ?? WORKSPACE_TOTAL, minute));
  let hashes: Array<Record<string, unknown> | null>;
  try {
    hashes = await pipeline.exec();
  } catch (error) {
    throw new ApiError("DEPENDENCY_UNAVAILABLE", "Live counters are unavailable; try again shortly", { headers: { "retry-after": "1" }, cause: error });
  }
  return minutes.map((minute, index) => ({
    minute: new Date(minute * 60_000).toISOString(),
    requests: Number(hashes[index]?.requests ?? 0),
    events: Number(hashes[index]?.events ?? 0),
  }));
}
