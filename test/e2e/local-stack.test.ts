/**
 * The whole local stack as `npm run dev` starts it (both workers under wrangler, the stand-ins,
 * no site), driven over HTTP only: the first slice of the product works across both workers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { seedDemo, type DemoSeed, type LocalStack } from "../../local/stack.ts";
import { until } from "../support/http-client.ts";
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
