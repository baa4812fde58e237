// How limits and quotas read (E3), in the workspace's Settings and the platform admin console:
// a label per limit, its value in its unit ("60,000 / minute", "$5.00 / month") and its usage.
import type { LimitName, WorkspaceLimit } from "~/api/admin";
import { formatMicros, formatNumber } from "~/lib/format";

/** "60,000 / minute", "5 / 30 s": a rate limit over its window. */
const perWindow = (value: number, windowSeconds = 60) => `${formatNumber(value)} / ${windowSeconds === 60 ? "minute" : windowSeconds === 3600 ? "hour" : `${formatNumber(windowSeconds)} s`}`;

export const LIMIT_TEXT: Record<LimitName, { label: string; unit: (value: number, windowSeconds?: number) => string }> = {
  api_key_requests_per_minute: { label: "get-prompt calls per key", unit: perWindow },
  workspace_requests_per_minute: { label: "get-prompt calls, whole workspace", unit: perWindow },
  api_key_events_per_minute: { label: "Event requests per key", unit: perWindow },
  workspace_events_per_minute: { label: "Event requests, whole workspace", unit: perWindow },
  workspace_requests_per_month: { label: "get-prompt calls per month", unit: (value) => `${formatNumber(value)} / month` },
  workspace_events_per_month: { label: "Event requests per month", unit: (value) => `${formatNumber(value)} / month` },
  llm_requests_per_day: { label: "LLM requests per day (UTC)", unit: (value) => `${formatNumber(value)} / day` },
  llm_cost_micros_per_month: { label: "LLM spend per month", unit: (value) => `${formatMicros(value)} / month` },
  prompts_per_workspace: { label: "Prompts", unit: (value) => formatNumber(value) },
  members_per_workspace: { label: "Members", unit: (value) => formatNumber(value) },
  workspaces_per_user: { label: "Workspaces per user", unit: (value) => formatNumber(value) },
};

export const limitLabel = (name: LimitName): string => LIMIT_TEXT[name]?.label ?? name;

/** A limit's value in its unit; "Unlimited" for null. */
export function limitValueText(limit: { name: LimitName; value: number | null; window_seconds?: number | undefined }): string {
  if (limit.value === null) return "Unlimited";
  return LIMIT_TEXT[limit.name]?.unit(limit.value, limit.window_seconds) ?? formatNumber(limit.value);
}

/** "1,234 of 10,000 (12 %)", or the count alone without a limit. */
export function usageText(limit: WorkspaceLimit): string {
  const used = limit.usage?.used;
  if (used === undefined) return "";
  if (used === null) return "Unavailable";
  const shown = limit.unit === "usd_micros" ? formatMicros(used) : formatNumber(used);
  if (limit.value === null || limit.value === 0) return limit.value === 0 ? `${shown} of 0` : shown;
  const of = limit.unit === "usd_micros" ? formatMicros(limit.value) : formatNumber(limit.value);
  return `${shown} of ${of} (${Math.min(999, Math.round((used / limit.value) * 100))} %)`;
}
