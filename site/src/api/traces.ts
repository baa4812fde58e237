// The trace explorer's API (/api/traces): exposures (get-prompt answers) and events in one
// stream, and one trace with its answer and events, typed by the contract.
import { type Answer, call, type QueryParams } from "./contract";

export type TraceItemKind = NonNullable<QueryParams<"get", "/api/traces">["kind"]>;
export type TraceItemStatus = NonNullable<QueryParams<"get", "/api/traces">["status"]>;
export const TRACE_ITEM_STATUSES: ReadonlyArray<{ id: TraceItemStatus; label: string }> = [
  { id: "served", label: "Served answers" },
  { id: "error", label: "Refused answers" },
  { id: "attributed", label: "Events with an answer" },
  { id: "unattributed", label: "Events without an answer" },
];

export type TraceItem = Answer<"get", "/api/traces">["items"][number];
/** The filters GET /api/traces documents (the cursor and page size aside). */
export type TraceFilters = Omit<QueryParams<"get", "/api/traces">, "cursor" | "limit">;
export type Trace = Answer<"get", "/api/traces/{traceId}">;
export type TraceExposure = NonNullable<Trace["exposure"]>;
export type TraceEvent = Trace["events"][number];
export type RenderedStatus = TraceExposure["rendered"]["status"];

export const listTraceItems = (filters: TraceFilters, cursor: string | null, limit = 50) => call("get", "/api/traces", { query: { ...filters, cursor, limit } });

export const getTrace = (traceId: string) => call("get", "/api/traces/{traceId}", { params: { traceId } });
