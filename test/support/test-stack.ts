/**
 * The whole local stack for an end-to-end test: random ports, a throw-away data directory, the
 * site only when asked (browser tests), and the machine's Postgres/Redis when TEST_DATABASE_URL/TEST_REDIS_URL name them.
 */
import { startThrowawayStack, type LocalStack, type StackOptions } from "../../local/stack.ts";

export async function startTestStack(overrides: Partial<Pick<StackOptions, "devVars" | "redisUrl" | "withSite" | "qstashRetryBaseDelayMs" | "log">> = {}): Promise<{ stack: LocalStack; stop(): Promise<void> }> {
  const stack = await startThrowawayStack({
    ...(process.env.TEST_DATABASE_URL ? { databaseUrl: process.env.TEST_DATABASE_URL } : {}),
    redisUrl: process.env.TEST_REDIS_URL ?? null,
    // Every test client signs up from 127.0.0.1 (wrangler dev names it in cf-connecting-ip), and
    // with TEST_REDIS_URL the counters outlive the run: the per-IP sign-up limits are lifted here and
    // tested in the API worker's own tests (routes/auth/auth.test.ts) instead.
    devVars: { RATE_LIMIT_OVERRIDES: JSON.stringify({ signUpPerIp: { requests: 1_000_000 }, signUpAttemptsPerIp: { requests: 1_000_000 } }) },
    // Shown only for the tests that fail (vitest's silent: "passed-only"): the workers' and the
    // site's output is what tells why a request failed.
    log: (line) => console.log(line),
    ...overrides,
  });
  return { stack, stop: () => stack.stop() };
}
