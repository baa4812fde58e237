/**
 * `.dev.vars` naming a real service switches that part of the local stack to it: the stack
 * starts no stand-in for it and both workers talk to the configured one. Separately started
 * stand-ins play the "cloud" services here (a second inbox plays Resend).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailInbox, type MailInbox } from "../../local/mail/index.ts";
import { startDatabase, type LocalDatabase } from "../../local/neon/index.ts";
import { startQStash, type QStashServer } from "../../local/qstash/index.ts";
import { startRedisRest, type RedisRestServer } from "../../local/redis-rest/index.ts";
import { freePort, mailVars, MIGRATIONS_FOLDER, serviceVars, startLocalStack, type LocalStack } from "../../local/stack.ts";

let stack: LocalStack;
let dataDir: string;
let database: LocalDatabase;
let redis: RedisRestServer;
let qstash: QStashServer;
let resend: MailInbox;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "xr2-devvars-"));
  database = await startDatabase({ migrationsFolder: MIGRATIONS_FOLDER });
  redis = await startRedisRest({ token: "configured-redis-token", redisUrl: null });
  qstash = await startQStash({ token: "configured-qstash-token" });
  resend = await startMailInbox({ apiKey: "re_configured_key" });
  stack = await startLocalStack({
    ports: { edge: await freePort(), api: await freePort(), site: 0, database: await freePort(), redis: await freePort(), qstash: await freePort(), mail: await freePort() },
    dataDir,
    withSite: false,
    devVars: { ...serviceVars({ database, redis, qstash }), ...mailVars(resend) },
    log: () => {},
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  // Redis was already closed by a test; closing twice must not mask a real failure above.
  await Promise.allSettled([resend?.close(), qstash?.close(), redis?.close(), database?.close()]);
  rmSync(dataDir, { recursive: true, force: true });
});

describe(".dev.vars with configured services", () => {
  it("starts no stand-in for them and uses them from both workers", async () => {
    expect(stack.backends).toEqual({ database: "neon (from .dev.vars)", redis: "upstash (from .dev.vars)", qstash: "qstash (from .dev.vars)", mail: "resend (from .dev.vars)" });
    expect(stack.services.mail).toBeUndefined();
    expect(stack.urls.mail).toBeNull();
    expect(stack.urls.redis).toBe(redis.url);
    expect(stack.urls.qstash).toBe(qstash.url);
    for (const url of [`${stack.urls.edge}/health`, `${stack.urls.api}/health`]) {
      const response = await fetch(url);
      expect(response.status, JSON.stringify(await response.clone().json())).toBe(200);
    }
  });

  it("fails health when a configured service goes away, instead of falling back silently", async () => {
    await redis.close();
    const response = await fetch(`${stack.urls.api}/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ checks: { redis: { ok: false }, db: { ok: true } } });
  });
});
