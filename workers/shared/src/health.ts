/**
 * Health checks: each dependency is probed concurrently under one deadline and reported with
 * its latency, so a slow dependency shows as slow and a dead one as down (and the whole answer
 * as 503) instead of hanging the probe.
 */
export type HealthCheck = () => Promise<unknown>;

export interface CheckResult {
  ok: boolean;
  latency_ms: number;
  error?: string;
}

export interface HealthReport {
  status: "ok" | "degraded";
  service: string;
  checks: Record<string, CheckResult>;
}

export async function runHealthChecks(
  service: string,
  checks: Record<string, HealthCheck>,
  timeoutMs = 2_000,
): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
      const started = performance.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, { ok: true, latency_ms: elapsed(started) }];
      } catch (error) {
        return [name, { ok: false, latency_ms: elapsed(started), error: describe(error) }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const results = Object.fromEntries(entries);
  const status = entries.every(([, result]) => result.ok) ? "ok" : "degraded";
  return { status, service, checks: results };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Connection errors can echo a URL; keep only the part before any credentials could appear.
  return message.replace(/\b[a-z]+:\/\/[^\s]+/gi, "<url>").slice(0, 200);
}
