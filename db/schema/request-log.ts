// The Product API request log (S6, the seed's ProductAPILog): one row per edge request made with
// a known API key — served or refused (401 for a revoked or expired key, 403, 404, 400/422, 429) —
// so a workspace sees what its apps sent and what they got back. The edge hands entries to the
// events queue in its waitUntil (never on the answer's path); the API worker's consumer stores
// them, resolving the key by its hash. Only the key's prefix is kept, never the key.
//
// Bounded: rows older than REQUEST_LOG_RETENTION_DAYS are deleted by the retention job
// (workers/api/src/services/request-log/prune-request-log.ts).
import { index, integer, pgTable, real, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";
import { apiKeys } from "./api-keys";
import { workspaces } from "./workspaces";

export const REQUEST_LOG_RETENTION_DAYS = 30;

export const apiRequestLog = pgTable(
  "api_request_log",
  {
    id: text("id").primaryKey(), // "rlog_…", chosen by the edge: a redelivered message inserts nothing
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    apiKeyId: text("api_key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    /** The key's prefix as listed on the API keys page; never the key. */
    keyPrefix: text("key_prefix").notNull(),
    method: text("method").notNull(),
    /** The route pattern, e.g. /api/v1/get-prompt/:slug (never the raw path). */
    route: text("route").notNull(),
    slug: text("slug"),
    status: integer("status").notNull(),
    latencyMs: real("latency_ms").notNull(),
    errorCode: text("error_code"),
    /** "sdk" (the SDKs' routes or user agents) or "http". */
    source: text("source").notNull(),
    /** The user agent's family: sdk-python, sdk-typescript, node, python, curl, browser, other, none. */
    client: text("client").notNull(),
    userAgent: text("user_agent"),
    traceId: text("trace_id"),
    requestId: text("request_id").notNull(),
    receivedAt: timestamptz("received_at").notNull(),
  },
  (t) => [
    // A key's log, newest first (the only list), keyset-paged by (received_at, id).
    index("api_request_log_key_received_at_idx").on(t.apiKeyId, t.receivedAt, t.id),
    // Retention deletes by age across all keys.
    index("api_request_log_received_at_idx").on(t.receivedAt),
  ],
);

export type ApiRequestLogRow = typeof apiRequestLog.$inferSelect;
