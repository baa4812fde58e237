/**
 * The product's core promise, through HTTP only, on the whole local stack: a PM publishes and
 * every app gets the version from the edge within a second, without a release.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.ts";
import { apiClient, until } from "../support/http-client.ts";
import { startTestStack } from "../support/test-stack.ts";

let stack: LocalStack;
let stopStack: () => Promise<void>;

beforeAll(async () => {
  ({ stack, stop: stopStack } = await startTestStack());
}, 120_000);

afterAll(async () => {
  await stopStack?.();
});

const api = apiClient(() => stack.urls.api);

function edge(path: string, apiKey: string) {
  return fetch(`${stack.urls.edge}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
}

/** Whether `check` holds within `withinMs`. */
function within(withinMs: number, check: () => Promise<boolean>): Promise<boolean> {
  return until(withinMs, check, (held) => held);
}

describe("publish to the edge, over HTTP", () => {
  it("register → workspace → prompt → v1 → publish → key → get-prompt; v2, rollback and revocation reach the edge within 1 s", async () => {
    const session = await api("POST", "/api/auth/register", { body: { email: `pm-${crypto.randomUUID()}@example.com`, password: "correct horse battery", name: "Pat" } });
    expect(session.status).toBe(201);
    const token = session.body.access_token as string;
    const workspace = await api("POST", "/api/workspaces", { token, body: { name: "Checkout" } });
    const ws = { token, workspaceId: workspace.body.id as string };

    const prompt = await api("POST", "/api/prompts", { ...ws, body: { slug: "checkout-upsell", name: "Checkout upsell" } });
    expect(prompt.status, JSON.stringify(prompt.body)).toBe(201);
    const variables = [
      { name: "name", type: "string", required: true },
      { name: "vip", type: "boolean", required: false, default: false },
    ];
    const v1 = await api("POST", `/api/prompts/${prompt.body.id}/versions`, { ...ws, body: { content: "Hello {name}!{% if vip %} Thanks for being VIP.{% else %} Welcome.{% endif %}", variables, changelog: "first" } });
    expect(v1.status, JSON.stringify(v1.body)).toBe(201);
    expect((await api("PUT", `/api/prompts/${prompt.body.id}/versions/${v1.body.id}/publish`, { ...ws, body: { environment: "production" } })).status).toBe(200);
    const key = await api("POST", "/api/product-api-keys", { ...ws, body: { name: "web app" } });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const apiKey = key.body.key as string;

    const first = await edge("/api/v1/get-prompt/checkout-upsell?var.name=Ada&var.vip=true", apiKey);
    expect(first.status).toBe(200);
    const firstBody = (await first.json()) as { content: string; version: number; trace_id: string };
    expect(firstBody).toMatchObject({ content: "Hello Ada! Thanks for being VIP.", version: 1, trace_id: expect.stringMatching(/^tr_/) });

    const versionServed = async () => ((await (await edge("/api/v1/get-prompt/checkout-upsell?var.name=Ada", apiKey)).json()) as { version: number }).version;
    const v2 = await api("POST", `/api/prompts/${prompt.body.id}/versions`, { ...ws, body: { content: "Hi {name}.", variables, changelog: "shorter" } });
    await api("PUT", `/api/prompts/${prompt.body.id}/versions/${v2.body.id}/publish`, ws);
    expect(await within(1_000, async () => (await versionServed()) === 2), "v2 served within 1 s").toBe(true);

    expect((await api("POST", `/api/prompts/${prompt.body.id}/rollback`, { ...ws, body: { environment: "production" } })).status).toBe(200);
    expect(await within(1_000, async () => (await versionServed()) === 1), "v1 served again within 1 s").toBe(true);

    const missing = await edge("/api/v1/get-prompt/checkout-upsell", apiKey);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain("name");

    const text = await edge("/api/v1/get-prompt/checkout-upsell?var.name=Ada&format=text", apiKey);
    expect(await text.text()).toBe("Hello Ada! Welcome.");

    expect((await api("DELETE", `/api/product-api-keys/${key.body.id}`, ws)).status).toBeLessThan(300);
    expect(await within(1_000, async () => (await edge("/api/v1/get-prompt/checkout-upsell?var.name=Ada", apiKey)).status === 401), "revoked within 1 s").toBe(true);
  });

  it("keeps serving published prompts from the edge while Postgres is down", async () => {
    const session = await api("POST", "/api/auth/register", { body: { email: `pm-${crypto.randomUUID()}@example.com`, password: "correct horse battery", name: "Pat" } });
    const token = session.body.access_token as string;
    const workspace = await api("POST", "/api/workspaces", { token, body: { name: "Resilience" } });
    const ws = { token, workspaceId: workspace.body.id as string };
    const prompt = await api("POST", "/api/prompts", { ...ws, body: { slug: "always-on", name: "Always on" } });
    const v1 = await api("POST", `/api/prompts/${prompt.body.id}/versions`, { ...ws, body: { content: "Still here." } });
    await api("PUT", `/api/prompts/${prompt.body.id}/versions/${v1.body.id}/publish`, ws);
    const key = await api("POST", "/api/product-api-keys", { ...ws, body: { name: "app" } });
    expect((await edge("/api/v1/get-prompt/always-on", key.body.key)).status).toBe(200);

    await stack.services.database!.close();
    for (let request = 0; request < 20; request++) {
      const response = await edge("/api/v1/get-prompt/always-on?format=text", key.body.key);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("Still here.");
    }
  });
});
