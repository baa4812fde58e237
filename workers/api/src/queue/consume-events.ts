/**
 * The events-queue consumer: exposures and business events from the edge become rows in
 * Postgres. Each message is acknowledged on its own, once everything it carries is stored, so
 * one bad message cannot hold back its batch; every write is idempotent on natural keys
 * (exposures and fallback uses by (workspace_id, trace_id), events by (workspace_id, event_id)),
 * so a redelivered message, or one whose first delivery stopped halfway, changes nothing the
 * second time. Every key holds the workspace: a trace id is a workspace's own (SDKs choose the
 * ones they report), so another workspace's rows under the same trace id are never a duplicate.
 *
 * Messages are stored in chunks (bounded rows per statement) with one statement per kind. If a
 * chunk fails because Postgres cannot be reached, all its messages are retried with backoff; if
 * Postgres refused something, each message is tried alone: those that go in are acknowledged,
 * the others are retried (after the queue's max_retries they move to the dead-letter queue, see
 * dead-letters.ts). A message that is not a valid message at all, or that Postgres refuses as
 * data it can never take, is written to dead_letters with the reason and acknowledged.
 *
 * Attribution: an event takes prompt, version and variant from the exposure with its trace_id
 * (same workspace). Events are inserted with that join, and after every insert of exposures or
 * events the events of those traces still unattributed are updated from their exposures. Both
 * sides run the same update after their own insert has committed, so whichever of an event and
 * its exposure arrives second, concurrently or not, the event ends up attributed. The first time
 * of each event name per trace, which funnels read from the exposure, is kept the same way
 * (services/analytics/event-firsts.ts).
 *
 * Fallback uses (an SDK served the app's own text, POST /api/v1/exposures) are stored apart, by
 * workspace and trace id, with nothing to attribute.
 *
 * Rows go in through jsonb_to_recordset with one parameter per statement: a full batch (100
 * messages of 100 items) would exceed Postgres's 65,535 bind parameters as a VALUES list.
 */
import { sql, type SQL } from "drizzle-orm";
import {
  describeError,
  eventBatchMessageSchema,
  exposureSchema,
  log,
  newId,
  parseEnv,
  QUEUE_LIMITS,
  queuedEventSchema,
  queueMessageSchema,
  requestLogEntrySchema,
  type RequestLogEntry,
  sqlStateOf,
  fallbackUseSchema,
  type FallbackUse,
  type ParsedExposure,
  type QueuedEvent,
} from "@xr2/shared";
import { createServiceContext, type ServiceContext } from "../context.ts";
import { apiEnvSchema } from "../env.ts";
import { insertDeadLetters, type DeadLetterInput } from "./dead-letters.ts";
import { LiveCounts, recordLiveCounts } from "../services/live-counters/live-counts.ts";
import { recordEventFirsts } from "../services/analytics/event-firsts.ts";
import { incrementCounter } from "../services/metrics/metrics-buffer.ts";
import { statusClass } from "../services/metrics/registry.ts";

interface EventBatch {
  workspaceId: string;
  events: QueuedEvent[];
}

interface Work {
  message: Message<unknown>;
  exposures: ParsedExposure[];
  fallbacks: FallbackUse[];
  events: EventBatch | null;
  /** Product API requests for the keys' request logs. */
  requestLog: RequestLogEntry[];
  /** Set for a message (or the malformed part of one) that is kept in dead_letters. */
  deadLetter: string | null;
}

/** Rows per statement: a chunk's statements stay far below Neon's request size limit. */
const ROWS_PER_CHUNK = 1_000;
/** Chunks stored at the same time, each over its own SQL-over-HTTP requests. */
const CHUNKS_IN_PARALLEL = 4;

export async function consumeEvents(batch: MessageBatch<unknown>, rawEnv: Record<string, unknown>): Promise<void> {
  const ctx = createServiceContext(parseEnv(apiEnvSchema, rawEnv), newId("request"));
  const counts = new LiveCounts();
  try {
    const works: Work[] = [];
    for (const message of batch.messages) {
      const work = parse(batch.queue, message);
      if (work) works.push(work);
    }
    // Chunks hold different messages and every write is idempotent, so a few go in at once.
    const pending = [...chunks(works)];
    await Promise.all(
      Array.from({ length: Math.min(CHUNKS_IN_PARALLEL, pending.length) }, async () => {
        for (let chunk = pending.shift(); chunk !== undefined; chunk = pending.shift()) await storeChunk(ctx, batch.queue, chunk, counts);
      }),
    );
    await recordLiveCounts(ctx, counts);
  } finally {
    await ctx.dispose();
  }
}

/** What a message asks to store; null for messages that need nothing (acknowledged here). */
function parse(queue: string, message: Message<unknown>): Work | null {
  const parsed = queueMessageSchema.safeParse(message.body);
  if (parsed.success) {
    switch (parsed.data.type) {
      case "health_probe":
        message.ack();
        return null;
      case "exposure":
        return { message, exposures: [parsed.data], fallbacks: [], events: null, requestLog: [], deadLetter: null };
      case "exposure_batch":
        return { message, exposures: parsed.data.exposures, fallbacks: [], events: null, requestLog: [], deadLetter: null };
      case "fallback_batch":
        return { message, exposures: [], fallbacks: parsed.data.fallbacks, events: null, requestLog: [], deadLetter: null };
      case "event_batch":
        return { message, exposures: [], fallbacks: [], events: { workspaceId: parsed.data.workspace_id, events: parsed.data.events }, requestLog: [], deadLetter: null };
      case "request_log_batch":
        return { message, exposures: [], fallbacks: [], events: null, requestLog: parsed.data.entries, deadLetter: null };
    }
  }
  const issues = parsed.error.issues.slice(0, 3);
  const reason = `invalid message: ${issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`).join("; ")}`.slice(0, 2_000);
  // The well-formed items of a batch message are stored; the whole body is kept beside them.
  const salvaged = salvage(message.body);
  log("warn", "malformed queue message kept as a dead letter", { queue, message_id: message.id, salvaged: salvaged.exposures.length + salvaged.fallbacks.length + (salvaged.events?.events.length ?? 0), issues });
  return { message, ...salvaged, deadLetter: reason };
}

function salvage(body: unknown): Pick<Work, "exposures" | "fallbacks" | "events" | "requestLog"> {
  const candidate = body as { type?: unknown; exposures?: unknown; fallbacks?: unknown; events?: unknown; entries?: unknown } | null;
  const valid = <T>(items: unknown, schema: { safeParse(item: unknown): { success: true; data: T } | { success: false } }, max: number): T[] =>
    Array.isArray(items)
      ? items.slice(0, max).flatMap((item) => {
          const parsed = schema.safeParse(item);
          return parsed.success ? [parsed.data] : [];
        })
      : [];
  if (candidate?.type === "exposure_batch") return { exposures: valid(candidate.exposures, exposureSchema, QUEUE_LIMITS.exposuresPerMessage), fallbacks: [], events: null, requestLog: [] };
  if (candidate?.type === "fallback_batch") return { exposures: [], fallbacks: valid(candidate.fallbacks, fallbackUseSchema, QUEUE_LIMITS.exposuresPerMessage), events: null, requestLog: [] };
  if (candidate?.type === "request_log_batch") return { exposures: [], fallbacks: [], events: null, requestLog: valid(candidate.entries, requestLogEntrySchema, QUEUE_LIMITS.exposuresPerMessage) };
  if (candidate?.type === "event_batch") {
    const envelope = eventBatchMessageSchema.pick({ workspace_id: true }).safeParse(body);
    const events = valid(candidate.events, queuedEventSchema, QUEUE_LIMITS.eventsPerMessage);
    return { exposures: [], fallbacks: [], events: envelope.success && events.length > 0 ? { workspaceId: envelope.data.workspace_id, events } : null, requestLog: [] };
  }
  return { exposures: [], fallbacks: [], events: null, requestLog: [] };
}

function rowsOf(work: Work): number {
  return work.exposures.length + work.fallbacks.length + (work.events?.events.length ?? 0) + work.requestLog.length + (work.deadLetter ? 1 : 0);
}

function* chunks(works: Work[]): Generator<Work[]> {
  let chunk: Work[] = [];
  let rows = 0;
  for (const work of works) {
    if (chunk.length > 0 && rows + rowsOf(work) > ROWS_PER_CHUNK) {
      yield chunk;
      chunk = [];
      rows = 0;
    }
    chunk.push(work);
    rows += rowsOf(work);
  }
  if (chunk.length > 0) yield chunk;
}

async function storeChunk(ctx: ServiceContext, queue: string, chunk: Work[], counts: LiveCounts): Promise<void> {
  try {
    await store(ctx, queue, chunk, counts);
    for (const work of chunk) work.message.ack();
    return;
  } catch (error) {
    if (sqlStateOf(error) === undefined) {
      log("error", "storing queue messages failed; will retry", { queue, count: chunk.length, error: describeError(error) });
      for (const work of chunk) retryLater(work.message);
      return;
    }
    log("warn", "Postgres refused part of a chunk; storing messages one by one", { queue, count: chunk.length, error: describeError(error) });
  }
  for (const work of chunk) {
    try {
      await store(ctx, queue, [work], counts);
      work.message.ack();
    } catch (error) {
      const sqlState = sqlStateOf(error);
      // A data exception (class 22: a NUL character, a number out of range) fails the same way
      // on every delivery: the message is kept as a dead letter at once instead of retried.
      if (sqlState?.startsWith("22")) {
        try {
          const reason = `Postgres refused it (${sqlState}): ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`.slice(0, 2_000);
          await insertDeadLetters(ctx, [{ queue, messageId: work.message.id, body: work.message.body, attempts: work.message.attempts, error: reason }], "refused");
          log("warn", "queue message refused by Postgres kept as a dead letter", { queue, message_id: work.message.id, sql_state: sqlState });
          work.message.ack();
          continue;
        } catch (deadLetterError) {
          error = deadLetterError;
        }
      }
      log("error", "storing queue message failed; will retry", { queue, message_id: work.message.id, attempts: work.message.attempts, error: describeError(error) });
      retryLater(work.message);
    }
  }
}

function retryLater(message: Message<unknown>): void {
  message.retry({ delaySeconds: Math.min(300, 2 ** message.attempts) });
}

/** Every write of the chunk; each one idempotent, so a retry of a partly stored chunk is safe. */
async function store(ctx: ServiceContext, queue: string, works: Work[], counts: LiveCounts): Promise<void> {
  const deadLetters: DeadLetterInput[] = works.flatMap((work) =>
    work.deadLetter === null ? [] : [{ queue, messageId: work.message.id, body: work.message.body, attempts: work.message.attempts, error: work.deadLetter }],
  );
  if (deadLetters.length > 0) await insertDeadLetters(ctx, deadLetters, "invalid");

  const exposures = works.flatMap((work) => work.exposures);
  const events = works.flatMap((work) => (work.events ? work.events.events.map((event) => ({ ...event, workspace_id: work.events!.workspaceId })) : []));
  if (exposures.length > 0) {
    for (const row of await insertExposures(ctx, exposures)) {
      counts.add(row, "requests");
      incrementCounter("xr2_edge_exposures_stored_total", {}, row.count);
    }
  }
  if (events.length > 0) {
    for (const row of await insertEvents(ctx, events)) {
      counts.add(row, "events");
      incrementCounter("xr2_edge_events_stored_total", {}, row.count);
    }
  }
  const requestLog = works.flatMap((work) => work.requestLog);
  if (requestLog.length > 0) {
    for (const row of await insertRequestLog(ctx, requestLog)) {
      incrementCounter("xr2_edge_requests_total", { route: row.route, status: String(row.status), status_class: statusClass(row.status) }, row.count);
    }
  }
  const fallbacks = works.flatMap((work) => work.fallbacks);
  if (fallbacks.length > 0) await insertFallbackUses(ctx, fallbacks);
  const traces = [...exposures, ...events].map((item) => ({ workspace_id: item.workspace_id, trace_id: item.trace_id }));
  if (traces.length > 0) {
    // Late attribution: counted now under their prompt (their workspace total counted on insert).
    for (const row of await attributeEvents(ctx, traces)) counts.add(row, "events", { workspaceTotal: false });
  }
  // After attribution, for the same reason: both sides' inserts have committed (event-firsts.ts).
  await recordEventFirsts(ctx, {
    exposures: exposures.map((exposure) => ({ workspace_id: exposure.workspace_id, trace_id: exposure.trace_id })),
    events: events.map((event) => ({ workspace_id: event.workspace_id, event_id: event.event_id })),
  });
}

/**
 * What the live counters need of the stored rows: how many there are of each workspace, prompt
 * and minute (Unix minutes). Postgres groups them, so a chunk of a thousand exposures of one
 * prompt answers one row instead of a thousand.
 */
type StoredRows = {
  workspace_id: string;
  prompt_id: string | null;
  minute: number;
  count: number;
};

/** Wraps a data-modifying statement that returns (workspace_id, prompt_id, minute) per row. */
function countedByMinute(statement: SQL): SQL {
  return sql`with stored as (${statement}) select workspace_id, prompt_id, minute, count(*)::int as count from stored group by workspace_id, prompt_id, minute`;
}

async function insertExposures(ctx: ServiceContext, exposures: ParsedExposure[]): Promise<StoredRows[]> {
  const rows = exposures.map((exposure) => ({ ...exposure, latency_ms: Math.round(exposure.latency_ms) }));
  const result = await ctx.http().execute<StoredRows>(countedByMinute(sql`
    insert into exposures (trace_id, workspace_id, prompt_id, version_id, environment, source, variant, experiment_id, unit_id, api_key_id, latency_ms, status, error_code, served_at, origin, event_firsts, variables)
    select trace_id, workspace_id, prompt_id, version_id, environment::environment, source, variant, experiment_id, unit_id, api_key_id, latency_ms, status::exposure_status, error_code, served_at, origin::exposure_origin, '{}'::jsonb, variables
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
      trace_id text, workspace_id text, prompt_id text, version_id text, environment text, source text, variant text, experiment_id text,
      unit_id text, api_key_id text, latency_ms integer, status text, error_code text, served_at timestamptz, origin text, variables jsonb)
    on conflict (workspace_id, trace_id) do nothing
    returning workspace_id, prompt_id, floor(extract(epoch from served_at) / 60)::int as minute`));
  return result.rows;
}

/**
 * Request-log entries whose key hash names a key (revoked and expired ones included), with that
 * key's workspace and prefix; entries of unknown keys are dropped. Answers what went in, grouped
 * by route and status, for xr2_edge_requests_total.
 */
async function insertRequestLog(ctx: ServiceContext, entries: RequestLogEntry[]): Promise<Array<{ route: string; status: number; count: number }>> {
  const result = await ctx.http().execute<{ route: string; status: number; count: number }>(sql`
    with stored as (
      insert into api_request_log (id, workspace_id, api_key_id, key_prefix, method, route, slug, status, latency_ms, error_code, source, client, user_agent, trace_id, request_id, received_at)
      select r.id, k.workspace_id, k.id, k.prefix, r.method, r.route, r.slug, r.status, r.latency_ms, r.error_code, r.source, r.client, r.user_agent, r.trace_id, r.request_id, r.received_at
      from jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) as r(
        id text, key_hash text, method text, route text, slug text, status integer, latency_ms real, error_code text, source text, client text,
        user_agent text, trace_id text, request_id text, received_at timestamptz)
      join api_keys k on k.key_hash = r.key_hash
      on conflict (id) do nothing
      returning route, status)
    select route, status, count(*)::int as count from stored group by route, status`);
  return result.rows;
}

async function insertFallbackUses(ctx: ServiceContext, fallbacks: FallbackUse[]): Promise<void> {
  await ctx.http().execute(sql`
    insert into fallback_uses (trace_id, workspace_id, slug, environment, source, unit_id, api_key_id, served_at)
    select trace_id, workspace_id, slug, environment::environment, source, unit_id, api_key_id, served_at
    from jsonb_to_recordset(${JSON.stringify(fallbacks)}::jsonb) as f(
      trace_id text, workspace_id text, slug text, environment text, source text, unit_id text, api_key_id text, served_at timestamptz)
    on conflict (workspace_id, trace_id) do nothing`);
}

/** Inserts events not stored yet, attributed from their exposure when it is already there. */
async function insertEvents(ctx: ServiceContext, events: Array<QueuedEvent & { workspace_id: string }>): Promise<StoredRows[]> {
  const result = await ctx.http().execute<StoredRows>(countedByMinute(sql`
    insert into events (workspace_id, event_id, trace_id, event_name, category, fields, occurred_at, prompt_id, version_id, variant)
    select e.workspace_id, e.event_id, e.trace_id, e.event_name, e.category, e.fields, e.occurred_at, x.prompt_id, x.version_id, x.variant
    from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as e(
      workspace_id text, event_id text, trace_id text, event_name text, category text, fields jsonb, occurred_at timestamptz)
    left join exposures x on x.trace_id = e.trace_id and x.workspace_id = e.workspace_id
    on conflict (workspace_id, event_id) do nothing
    returning workspace_id, prompt_id, floor(extract(epoch from occurred_at) / 60)::int as minute`));
  return result.rows;
}

/** Attributes the still unattributed events of these traces whose exposure is stored by now. */
async function attributeEvents(ctx: ServiceContext, traces: Array<{ workspace_id: string; trace_id: string }>): Promise<StoredRows[]> {
  const result = await ctx.http().execute<StoredRows>(countedByMinute(sql`
    update events e
    set prompt_id = x.prompt_id, version_id = x.version_id, variant = x.variant
    from exposures x
    where x.trace_id = e.trace_id and x.workspace_id = e.workspace_id and e.prompt_id is null
      and (e.workspace_id, e.trace_id) in (
        select t.workspace_id, t.trace_id from jsonb_to_recordset(${JSON.stringify(traces)}::jsonb) as t(workspace_id text, trace_id text))
    returning e.workspace_id, e.prompt_id, floor(extract(epoch from e.occurred_at) / 60)::int as minute`));
  return result.rows;
}
