// Words and tones for what the trace explorer shows (statuses, latency, dates).
import type { TraceItemStatus } from "~/api/traces";

export const STATUS_LABEL: Record<TraceItemStatus, string> = { served: "Served", error: "Refused", attributed: "Attributed", unattributed: "Unattributed" };
export const STATUS_TONE: Record<TraceItemStatus, "ok" | "bad" | "warn"> = { served: "ok", error: "bad", attributed: "ok", unattributed: "warn" };
export const STATUS_HINT: Record<TraceItemStatus, string> = {
  served: "The edge answered this get-prompt call",
  error: "The edge refused the call (e.g. invalid variable values)",
  attributed: "The event's trace id matches a get-prompt answer",
  unattributed: "No get-prompt answer has this event's trace id (yet)",
};

/** A local calendar day (yyyy-mm-dd) as the instant it starts, optionally the next day's. */
export function dayStart(day: string | undefined, plusDays = 0): string | undefined {
  if (!day) return undefined;
  const date = new Date(`${day}T00:00:00`);
  if (Number.isNaN(date.getTime())) return undefined;
  date.setDate(date.getDate() + plusDays);
  return date.toISOString();
}

export const formatLatency = (ms: number | null) => (ms === null ? "—" : `${ms.toLocaleString("en")} ms`);
