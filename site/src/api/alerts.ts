// Alert rules, their history and the workspace's notifications (GET|POST /api/alerts,
// GET|PATCH|DELETE /api/alerts/{alertId}, GET /api/alerts/{alertId}/history, GET /api/notifications),
// typed by the contract.
import { type Answer, call, type RequestBody, type Schemas } from "./contract";

export type AlertRule = Schemas["AlertRule"];
export type AlertEvent = Schemas["AlertEvent"];
export type AlertMetric = AlertRule["metric"];
export type AlertRuleInput = RequestBody<"post", "/api/alerts">;
export type AlertEventsPage = Answer<"get", "/api/notifications">;

export const ALERT_METRICS: ReadonlyArray<{ value: AlertMetric; label: string; unit: string }> = [
  { value: "error_rate", label: "Error rate", unit: "fraction of requests, e.g. 0.05 for 5 %" },
  { value: "latency_p95", label: "Latency p95", unit: "milliseconds" },
  { value: "requests_drop", label: "Requests dropping", unit: "fraction fewer than the window before, e.g. 0.5" },
  { value: "cost_per_day", label: "Cost per day", unit: "US dollars" },
  { value: "conversion_rate", label: "Conversion rate", unit: "change against its trailing average, e.g. -0.2" },
  { value: "srm", label: "Sample-ratio mismatch", unit: "p-value, e.g. 0.001" },
];

export async function listAlertRules(): Promise<AlertRule[]> {
  return (await call("get", "/api/alerts")).alerts;
}

export function createAlertRule(body: AlertRuleInput): Promise<AlertRule> {
  return call("post", "/api/alerts", { body });
}

export function updateAlertRule(id: string, body: RequestBody<"patch", "/api/alerts/{alertId}">): Promise<AlertRule> {
  return call("patch", "/api/alerts/{alertId}", { params: { alertId: id }, body });
}

export async function deleteAlertRule(id: string): Promise<void> {
  await call("delete", "/api/alerts/{alertId}", { params: { alertId: id } });
}

/** A rule's transitions, newest first. */
export function listAlertHistory(id: string, cursor: string | null = null): Promise<Answer<"get", "/api/alerts/{alertId}/history">> {
  return call("get", "/api/alerts/{alertId}/history", { params: { alertId: id }, query: cursor ? { cursor } : {} });
}

/** The workspace's fired and resolved alerts, newest first. */
export function listNotifications(cursor: string | null = null): Promise<AlertEventsPage> {
  return call("get", "/api/notifications", { query: cursor ? { cursor } : {} });
}
