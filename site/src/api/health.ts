// Reads the management API's `GET /health` and turns every outcome into a value, so the status
// page renders network failures and unexpected answers instead of throwing.
//
// The API answers `{ status, checks: { <dependency>: { ok, latency_ms, error? } } }`, with a
// non-2xx status when a dependency is down; such a body is still a report worth showing.

export interface DependencyCheck {
  name: string;
  ok: boolean;
  latencyMs: number | null;
  error: string | null;
}

export interface HealthReport {
  status: string;
  httpStatus: number;
  checks: DependencyCheck[];
  roundTripMs: number;
  checkedAt: Date;
}

export type HealthResult =
  | { reachable: true; report: HealthReport }
  | { reachable: false; reason: string; checkedAt: Date };

const TIMEOUT_MS = 5_000;

export async function checkApiHealth(baseUrl: string): Promise<HealthResult> {
  const startedAt = performance.now();
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/health`, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    return unreachable(
      timedOut
        ? `No answer within ${TIMEOUT_MS / 1000} s.`
        : "The request failed (API not running, wrong URL, or blocked by CORS).",
    );
  }
  const roundTripMs = Math.round(performance.now() - startedAt);

  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return unreachable(`HTTP ${response.status}: the answer is not JSON.`);
  }
  const parsed = parseHealthBody(body);
  if (!parsed) return unreachable(`HTTP ${response.status}: the answer is not a health report.`);

  return {
    reachable: true,
    report: { ...parsed, httpStatus: response.status, roundTripMs, checkedAt: new Date() },
  };
}

function unreachable(reason: string): HealthResult {
  return { reachable: false, reason, checkedAt: new Date() };
}

function parseHealthBody(body: unknown): Pick<HealthReport, "status" | "checks"> | null {
  if (!isRecord(body) || typeof body.status !== "string" || !isRecord(body.checks)) return null;
  const checks: DependencyCheck[] = [];
  for (const [name, check] of Object.entries(body.checks)) {
    if (!isRecord(check) || typeof check.ok !== "boolean") return null;
    checks.push({
      name,
      ok: check.ok,
      latencyMs: typeof check.latency_ms === "number" ? check.latency_ms : null,
      error: typeof check.error === "string" ? check.error : null,
    });
  }
  return { status: body.status, checks };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
