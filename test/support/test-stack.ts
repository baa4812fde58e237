/**
 * The whole local stack for an end-to-end test: random ports, a throw-away data directory, no
 * site, and the machine's Postgres/Redis when TEST_DATABASE_URL/TEST_REDIS_URL name them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startLocalStack, type LocalStack, type StackOptions } from "../../local/stack.ts";

export async function startTestStack(overrides: Partial<Pick<StackOptions, "devVars" | "redisUrl">> = {}): Promise<{ stack: LocalStack; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), "xr2-e2e-"));
  try {
    const stack = await startLocalStack({
      ports: { edge: await freePort(), api: await freePort(), site: 0, database: await freePort(), redis: await freePort(), qstash: await freePort() },
      dataDir,
      inMemoryDatabase: true,
      ...(process.env.TEST_DATABASE_URL ? { databaseUrl: process.env.TEST_DATABASE_URL } : {}),
      redisUrl: process.env.TEST_REDIS_URL ?? null,
      withSite: false,
      devVars: {},
      log: () => {},
      ...overrides,
    });
    return {
      stack,
      async stop() {
        await stack.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
