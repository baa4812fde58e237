/**
 * The whole local stack as `npm run dev` starts it (both workers under wrangler, the stand-ins,
 * no site), driven over HTTP only: the first slice of the product works across both workers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { seedDemo, type DemoSeed, type LocalStack } from "../../local/stack.ts";
import { apiClient, until } from "../support/http-client.ts";
import { startTestStack } from "../support/test-stack.ts";

let stack: LocalStack;
let stopStack: () => Promise<void>;
let demo: DemoSeed;

beforeAll(async () => {
  ({ stack, stop: stopStack } = await startTestStack());
  demo = await seedDemo(stack.urls.api);
}, 120_000);

afterAll(async () => {
  await stopStack?.();
});

describe("local stack", () => {
  it("answers /health 200 on both workers with every dependency up", async () => {
    for (const url of [`${stack.urls.edge}/health`, `${stack.urls.api}/health`]) {
      const response = await fetch(url);
      const body = (await response.json()) as { status: string; checks: Record<string, { ok: boolean }> };
      expect(body.status, `${url}: ${JSON.stringify(body)}`).toBe("ok");
      expect(response.status).toBe(200);
    }
  });

  it("runs the local mail inbox, empty, at urls.mail", async () => {
    expect(stack.backends.mail).toBe("local inbox");
    expect(stack.urls.mail).toBe(stack.services.mail?.url);
    const listing = await fetch(`${stack.urls.mail}/api/messages`);
    expect(listing.status).toBe(200);
    expect(await listing.json()).toEqual([]);
  });

  it("serves a version published through the API worker from the edge, and records the exposure", async () => {
    const slug = demo.prompt_slugs[0]!;
    const response = await fetch(`${stack.urls.edge}/api/v1/get-prompt/${slug}?source=e2e&var.name=Ada&var.product=xR2&var.plan=pro`, { headers: { authorization: `Bearer ${demo.api_key}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { slug: string; version: number; trace_id: string; content: string };
    expect(body).toMatchObject({ slug, version: 2 });
    expect(body.content).toBe("Hi Ada, great to have you on xR2. You are on the pro plan.");

    const client = new pg.Client({ connectionString: stack.urls.database });
    await client.connect();
    try {
      let rows: Array<{ source: string; version_id: string }> = [];
      for (let attempt = 0; attempt < 100 && rows.length === 0; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        rows = (await client.query("select source, version_id from exposures where trace_id = $1", [body.trace_id])).rows;
      }
      expect(rows).toEqual([expect.objectContaining({ source: "e2e" })]);
    } finally {
      await client.end();
    }
  });

  it("keeps wrangler's log of every worker line with the stack's data, not in the home directory", async () => {
    const slug = demo.prompt_slugs[0]!;
    const response = await fetch(`${stack.urls.edge}/api/v1/get-prompt/${slug}?var.name=Ada&var.product=xR2&var.plan=pro`, { headers: { authorization: `Bearer ${demo.api_key}` } });
    expect(response.status).toBe(200);
    const requestId = response.headers.get("x-request-id")!;
    // Wrangler appends to its file after printing the line, so the line may take a moment.
    const logged = await until(
      5_000,
      async () => (existsSync(stack.logDir) ? readdirSync(stack.logDir).filter((name) => name.endsWith(".log")) : []).some((name) => readFileSync(join(stack.logDir, name), "utf8").includes(requestId)),
      (found) => found,
    );
    expect(logged, `no file in ${stack.logDir} holds request ${requestId}`).toBe(true);
  });

  it("keeps no request or response bodies in those logs, and keeps them private to the user", async () => {
    // Reads that go over SQL-over-HTTP (fetch) from the workers: the user row in authenticate,
    // the published prompt on the edge's KV miss. Wrangler's debug log used to hold their bodies.
    const api = apiClient(() => stack.urls.api);
    const email = `log-check-${crypto.randomUUID()}@example.com`;
    const session = await api("POST", "/api/auth/register", { body: { email, password: "correct horse battery", name: "Log Check" } });
    expect(session.status).toBe(201);
    const me = await fetch(`${stack.urls.api}/api/auth/me`, { headers: { authorization: `Bearer ${session.body.access_token}` } });
    expect(me.status).toBe(200);
    const prompt = await fetch(`${stack.urls.edge}/api/v1/get-prompt/${demo.prompt_slugs[0]!}?var.name=Ada&var.product=xR2`, { headers: { authorization: `Bearer ${demo.api_key}` } });
    expect(prompt.status).toBe(200);
    const requestId = me.headers.get("x-request-id")!;

    const client = new pg.Client({ connectionString: stack.urls.database });
    await client.connect();
    let secrets: string[];
    try {
      const [user] = (await client.query("select password_hash from users where lower(email) = lower($1)", [email])).rows as Array<{ password_hash: string }>;
      const [version] = (await client.query("select v.content from prompt_versions v join prompts p on p.id = v.prompt_id where p.slug = $1 and v.content is not null limit 1", [demo.prompt_slugs[0]])).rows as Array<{ content: string }>;
      secrets = [email, demo.email, user!.password_hash, version!.content, createHash("sha256").update(demo.api_key).digest("hex")];
    } finally {
      await client.end();
    }

    const files = () => readdirSync(stack.logDir).filter((name) => name.endsWith(".log")).map((name) => join(stack.logDir, name));
    const text = await until(5_000, async () => files().map((file) => readFileSync(file, "utf8")).join("\n"), (all) => all.includes(requestId));
    expect(text, "the request line reached the logs").toContain(requestId);
    // Bodies also travel base64-encoded (the inspector's Network events): decode every long run.
    const decoded = [...text.matchAll(/[A-Za-z0-9+/]{40,}={0,2}/g)].map(([run]) => Buffer.from(run, "base64").toString("utf8")).join("\n");
    for (const secret of secrets) {
      expect(text.includes(secret), `a log file holds ${secret.slice(0, 12)}…`).toBe(false);
      expect(decoded.includes(secret), `a log file holds ${secret.slice(0, 12)}… base64-encoded`).toBe(false);
    }
    expect((statSync(stack.logDir).mode & 0o777).toString(8)).toBe("700");
    for (const file of files()) expect((statSync(file).mode & 0o777).toString(8), file).toBe("600");
  });

  it("seeds idempotently", async () => {
    const again = await fetch(`${stack.urls.api}/api/dev/seed`, { method: "POST" });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ workspace_id: demo.workspace_id, api_key: demo.api_key });
  });

  it("answers JSON errors, never a 500, to bad requests", async () => {
    const noKey = await fetch(`${stack.urls.edge}/api/v1/get-prompt/welcome-message`);
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
    const unknown = await fetch(`${stack.urls.api}/api/nothing-here`, { method: "POST", body: "{not json", headers: { "content-type": "application/json" } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});
