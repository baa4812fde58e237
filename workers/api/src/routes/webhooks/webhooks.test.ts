/**
 * Webhook endpoints (S7, issue #18) inside workerd against the real database: who may manage
 * them (Admins; Members and Viewers 403, another workspace's 404), the outbound URL checks,
 * the secret shown once and its rotation (both signatures verified by the standardwebhooks
 * library during the overlap), the outbox written in the deployment's transaction and nothing
 * recorded when the transaction fails, the fan-out to subscribed endpoints only, and the
 * delivery job never sending a settled delivery again. Sending to a receiver through QStash is
 * tested on the whole stack (test/e2e/webhooks.test.ts).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { auditLog, webhookDeliveries, webhookEvents, webhooks } from "@xr2/db/schema";
import { parseEnv, WEBHOOK_PAYLOAD_SCHEMAS } from "@xr2/shared";
import { signDelivery } from "../../../../../local/qstash/signing.ts";
import { apiEnvSchema } from "../../env.ts";
import { dispatchWebhookEvents, sweepWebhookOutbox } from "../../services/webhooks/dispatch-events.ts";
import { pruneWebhookLog } from "../../services/webhooks/prune-webhook-log.ts";
import { recordWebhookEvent } from "../../services/webhooks/record-event.ts";
import { signatureHeaders } from "../../services/webhooks/send-webhook.ts";
import { signingSecrets } from "../../services/webhooks/webhook-secret.ts";
import { call } from "../../testing/http.ts";
import { listMail, waitForMail } from "../../testing/inbox.ts";
import { createPrompt, createVersion, withContext, workspaceWith, type Actor } from "../prompts/prompt-test-support.ts";

const testEnv = parseEnv(apiEnvSchema, env);
const EVENTS = ["version.published", "version.rolled_back"];

async function createEndpoint(owner: Actor, fields: Record<string, unknown> = {}) {
  const response = await owner.call("POST", "/api/webhooks", { url: "https://hooks.example.com/xr2", events: EVENTS, ...fields });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; secret: string; [field: string]: unknown };
}

function outboxOf(workspaceId: string) {
  return withContext((ctx) => ctx.db().select().from(webhookEvents).where(eq(webhookEvents.workspaceId, workspaceId)));
}

function deliveriesOf(webhookId: string) {
  return withContext((ctx) => ctx.db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId)));
}

describe("webhook endpoints", () => {
  it("creates an endpoint with a whsec_ secret shown once, lists and changes it, and audits each change", async () => {
    const { owner } = await workspaceWith();
    const created = await createEndpoint(owner, { description: "Ops channel" });
    expect(created).toMatchObject({ url: "https://hooks.example.com/xr2", kind: "standard", events: EVENTS, active: true, description: "Ops channel" });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const listed = await owner.call("GET", "/api/webhooks");
    expect(listed.status).toBe(200);
    expect(listed.body!.webhooks.map((webhook: { id: string }) => webhook.id)).toEqual([created.id]);
    expect(JSON.stringify(listed.body)).not.toContain(created.secret);
    const fetched = await owner.call("GET", `/api/webhooks/${created.id}`);
    expect(fetched.body).not.toHaveProperty("secret");

    const patched = await owner.call("PATCH", `/api/webhooks/${created.id}`, { events: ["version.published"], kind: "slack", active: false });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ events: ["version.published"], kind: "slack", active: false });
    expect((await owner.call("PATCH", `/api/webhooks/${created.id}`, {})).status).toBe(400);
    expect((await owner.call("PATCH", `/api/webhooks/${created.id}`, { events: ["version.eaten"] })).status).toBe(400);

    expect((await owner.call("DELETE", `/api/webhooks/${created.id}`)).status).toBe(204);
    expect((await owner.call("GET", `/api/webhooks/${created.id}`)).status).toBe(404);
    const audited = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, owner.workspaceId), eq(auditLog.targetId, created.id))));
    expect(audited.map((row) => row.action).sort()).toEqual(["webhook.create", "webhook.delete", "webhook.update"]);
    // Members read the audit log, Admins alone the endpoints: a URL's path can be its secret (Slack's are), so only its origin is audited.
    expect(JSON.stringify(audited)).not.toContain("/xr2");
    expect(audited.find((row) => row.action === "webhook.create")!.after).toMatchObject({ url: "https://hooks.example.com/…" });
  });

  it("is for the workspace's Admins: 403 for Members and Viewers, 404 for another workspace's Admin", async () => {
    const { owner, members } = await workspaceWith("member", "viewer");
    const endpoint = await createEndpoint(owner);
    for (const person of members) {
      expect((await person.call("GET", "/api/webhooks")).status).toBe(403);
      expect((await person.call("POST", "/api/webhooks", { url: "https://hooks.example.com/x", events: EVENTS })).status).toBe(403);
      expect((await person.call("GET", `/api/webhooks/${endpoint.id}`)).status).toBe(403);
      expect((await person.call("POST", `/api/webhooks/${endpoint.id}/rotate-secret`)).status).toBe(403);
    }
    const { owner: stranger } = await workspaceWith();
    const theirs = [
      await stranger.call("GET", `/api/webhooks/${endpoint.id}`),
      await stranger.call("PATCH", `/api/webhooks/${endpoint.id}`, { active: false }),
      await stranger.call("DELETE", `/api/webhooks/${endpoint.id}`),
      await stranger.call("POST", `/api/webhooks/${endpoint.id}/rotate-secret`),
      await stranger.call("GET", `/api/webhooks/${endpoint.id}/deliveries`),
      await stranger.call("POST", `/api/webhooks/${endpoint.id}/test`),
    ];
    for (const response of theirs) {
      expect(response.status, JSON.stringify(response.body)).toBe(404);
      expect(response.body!.error.code).toBe("NOT_FOUND");
    }
    expect((await stranger.call("GET", "/api/webhooks")).body!.webhooks).toEqual([]);
    // Naming the other workspace outright is refused by membership, before any webhook is looked at.
    expect((await stranger.call("GET", `/api/webhooks/${endpoint.id}`, undefined, owner.workspaceId)).status).toBe(404);
    expect((await owner.call("GET", `/api/webhooks/${endpoint.id}`)).body).toMatchObject({ active: true });
  });

  it("refuses private, loopback, link-local, metadata and mapped addresses, local names and plain http with a clear 400", async () => {
    const { owner } = await workspaceWith();
    const refused = {
      "https://127.0.0.1/hook": "loopback",
      "https://10.0.0.1/hook": "private network",
      "https://169.254.169.254/latest/meta-data": "link-local",
      "https://[fd00::1]/hook": "private network",
      "https://[fd00:ec2::254]/": "private network",
      "https://[::ffff:127.0.0.1]/hook": "IPv4-mapped",
      "https://[::1]/hook": "loopback",
      "https://100.64.0.1/hook": "carrier-grade NAT",
      "https://2130706433/hook": "loopback",
      "https://localhost/hook": "local name",
      "https://metadata.google.internal/": "local name",
      "https://localhost../hook": "local name",
      "https://metadata.google.internal../": "local name",
      "https://[::127.0.0.1]/hook": "public addresses",
      "https://[fec0::1]/hook": "public addresses",
      "http://hooks.example.com/xr2": "must use https",
      "https://user:pass@hooks.example.com/": "user name or password",
      [`https://hooks.example.com/${"a".repeat(2_001)}`]: "2000",
    };
    for (const [url, reason] of Object.entries(refused)) {
      const response = await owner.call("POST", "/api/webhooks", { url, events: EVENTS });
      expect(response.status, url).toBe(400);
      expect(response.body!.error.code, url).toBe("VALIDATION_FAILED");
      expect(JSON.stringify(response.body!.error), url).toContain(reason);
    }
    const endpoint = await createEndpoint(owner);
    const moved = await owner.call("PATCH", `/api/webhooks/${endpoint.id}`, { url: "https://192.168.1.10/hook" });
    expect(moved.status).toBe(400);
    expect(moved.body!.error.message).toContain("private network");
    expect((await owner.call("GET", `/api/webhooks/${endpoint.id}`)).body!.url).toBe("https://hooks.example.com/xr2");

    // The development setting allows http and loopback, nothing else.
    const local = { token: owner.session.access_token, workspaceId: owner.workspaceId, env: { WEBHOOKS_ALLOW_LOOPBACK: "true" } };
    expect((await call("POST", "/api/webhooks", { ...local, body: { url: "http://127.0.0.1:9/hook", events: EVENTS } })).status).toBe(201);
    expect((await call("POST", "/api/webhooks", { ...local, body: { url: "http://localhost:9/hook", events: EVENTS } })).status).toBe(201);
    for (const url of ["http://10.0.0.1/hook", "http://169.254.169.254/", "http://[fd00::1]/", "http://[::ffff:127.0.0.1]/"]) {
      expect((await call("POST", "/api/webhooks", { ...local, body: { url, events: EVENTS } })).status, url).toBe(400);
    }
  });

  it("refuses bad bodies and a 21st endpoint", async () => {
    const { owner } = await workspaceWith();
    for (const body of [{ url: "https://hooks.example.com" }, { url: "https://hooks.example.com", events: [] }, { url: "https://hooks.example.com", events: ["version.published", "version.published"] }, { url: "https://hooks.example.com", events: EVENTS, kind: "teams" }, { url: "https://hooks.example.com", events: EVENTS, secret: "mine" }]) {
      const response = await owner.call("POST", "/api/webhooks", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    for (let index = 0; index < 20; index++) await createEndpoint(owner);
    const over = await owner.call("POST", "/api/webhooks", { url: "https://hooks.example.com/21", events: EVENTS });
    expect(over.status).toBe(409);
    expect(over.body!.error.message).toContain("at most 20");
  });

  it("rotates the secret: shown once, and both secrets sign deliveries during the overlap", async () => {
    const { owner } = await workspaceWith();
    const endpoint = await createEndpoint(owner);
    const rotated = await owner.call("POST", `/api/webhooks/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body!.secret).toMatch(/^whsec_/);
    expect(rotated.body!.secret).not.toBe(endpoint.secret);
    expect(Date.parse(rotated.body!.previous_secret_expires_at)).toBeGreaterThan(Date.now() + 23 * 3_600_000);

    const row = await withContext(async (ctx) => (await ctx.db().select().from(webhooks).where(eq(webhooks.id, endpoint.id)))[0]!);
    const secrets = await signingSecrets(testEnv, row);
    expect(secrets).toEqual([rotated.body!.secret, endpoint.secret]);
    const body = JSON.stringify({ type: "version.published", timestamp: new Date().toISOString(), data: {} });
    const headers = signatureHeaders(secrets, "msg_test", body);
    expect(headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    for (const secret of [endpoint.secret, rotated.body!.secret as string]) expect(new StandardWebhook(secret).verify(body, headers)).toMatchObject({ type: "version.published" });
    expect(() => new StandardWebhook(`whsec_${btoa("x".repeat(32))}`).verify(body, headers)).toThrow();
    // After the overlap, only the new secret signs.
    expect(await signingSecrets(testEnv, row, new Date(Date.now() + 25 * 3_600_000))).toEqual([rotated.body!.secret]);
  });
});

describe("the outbox", () => {
  it("records version.published and version.rolled_back in the deployment's transaction and fans them out to subscribed, active endpoints only", async () => {
    const { owner } = await workspaceWith();
    const subscribed = await createEndpoint(owner);
    const otherEvents = await createEndpoint(owner, { events: ["prompt.created"] });
    const paused = await createEndpoint(owner);
    expect((await owner.call("PATCH", `/api/webhooks/${paused.id}`, { active: false })).status).toBe(200);
    const prompt = await createPrompt(owner);
    const v1 = await createVersion(owner, prompt.id);
    const v2 = await createVersion(owner, prompt.id, { content: "Hi {name}" });
    for (const version of [v1, v2]) expect((await owner.call("PUT", `/api/prompts/${prompt.id}/versions/${version.id}/publish`, { environment: "production" })).status).toBe(200);
    expect((await owner.call("POST", `/api/prompts/${prompt.id}/rollback`, { environment: "production" })).status).toBe(200);

    const recorded = (await outboxOf(owner.workspaceId)).sort((a, b) => a.id.localeCompare(b.id));
    expect(recorded.map((event) => event.type)).toEqual(["prompt.created", "version.created", "version.created", "version.published", "version.published", "version.rolled_back"]);
    const events = recorded.slice(3);
    expect(events[2]!.id).toMatch(/^msg_/);
    expect(events[2]!.data).toEqual({
      workspace_id: owner.workspaceId,
      prompt: { id: prompt.id, slug: prompt.slug, name: prompt.name },
      environment: "production",
      version: { id: v1.id, number: 1 },
      previous_version: { id: v2.id, number: 2 },
      deployment_id: expect.stringMatching(/^dep_/),
      actor: { user_id: owner.session.user.id, email: owner.session.user.email },
      url: `https://site.test/prompts/${prompt.id}?tab=deployments`,
    });
    expect(WEBHOOK_PAYLOAD_SCHEMAS["version.rolled_back"].safeParse(events[2]!.data).success).toBe(true);
    expect(WEBHOOK_PAYLOAD_SCHEMAS["version.published"].safeParse(events[0]!.data).success).toBe(true);

    // The requests dispatched after they ended (no QStash in these tests: the deliveries wait for the sweep).
    await withContext((ctx) => dispatchWebhookEvents({ ctx }));
    expect((await outboxOf(owner.workspaceId)).every((event) => event.dispatchedAt !== null)).toBe(true);
    const delivered = await deliveriesOf(subscribed.id);
    expect(delivered.map((delivery) => delivery.eventId).sort()).toEqual(events.map((event) => event.id));
    expect(delivered.every((delivery) => delivery.status === "pending")).toBe(true);
    // The endpoint for prompt.created gets that event only.
    expect((await deliveriesOf(otherEvents.id)).map((delivery) => delivery.eventId)).toEqual([recorded[0]!.id]);
    expect(await deliveriesOf(paused.id)).toEqual([]);
    // Dispatching again creates nothing twice.
    await withContext((ctx) => dispatchWebhookEvents({ ctx }));
    expect(await deliveriesOf(subscribed.id)).toHaveLength(3);
  });

  it("records nothing when the transaction fails after recordWebhookEvent", async () => {
    const { owner } = await workspaceWith();
    const endpoint = await createEndpoint(owner);
    await expect(
      withContext((ctx) =>
        ctx.db().transaction(async (tx) => {
          await recordWebhookEvent(tx, { workspaceId: owner.workspaceId, type: "version.published", data: { prompt_id: "pr_gone" } });
          throw new Error("the change failed after its event was recorded");
        }),
      ),
    ).rejects.toThrow("the change failed");
    await withContext((ctx) => dispatchWebhookEvents({ ctx }));
    expect(await outboxOf(owner.workspaceId)).toEqual([]);
    expect(await deliveriesOf(endpoint.id)).toEqual([]);

    // The same, committed, is delivered: the check above can fail.
    await withContext((ctx) => ctx.db().transaction((tx) => recordWebhookEvent(tx, { workspaceId: owner.workspaceId, type: "version.published", data: { prompt_id: "pr_kept" } })));
    await withContext((ctx) => dispatchWebhookEvents({ ctx }));
    expect((await deliveriesOf(endpoint.id)).map((delivery) => (delivery.payload as { data: unknown }).data)).toEqual([{ prompt_id: "pr_kept" }]);
  });
});

describe("the scheduled sweep", () => {
  it("dispatches an event no request dispatched, from the aggregation job QStash runs", async () => {
    const { owner } = await workspaceWith();
    const endpoint = await createEndpoint(owner);
    // Recorded outside any request (as a queue consumer or a lost isolate would leave it).
    await withContext((ctx) => ctx.db().transaction((tx) => recordWebhookEvent(tx, { workspaceId: owner.workspaceId, type: "version.rolled_back", data: { prompt_id: "pr_swept" } })));
    expect(await deliveriesOf(endpoint.id)).toEqual([]);
    const raw = "";
    const signature = await signDelivery(testEnv.QSTASH_CURRENT_SIGNING_KEY, "http://api.test/api/jobs/aggregate", new TextEncoder().encode(raw));
    const run = await call("POST", "/api/jobs/aggregate", { rawBody: raw, headers: { "upstash-signature": signature } });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect((await deliveriesOf(endpoint.id)).map((delivery) => delivery.event)).toEqual(["version.rolled_back"]);
  });

  it("fails a delivery QStash gave up on (its retries all ended in a 5xx of the job), instead of leaving it pending forever", async () => {
    const { owner } = await workspaceWith();
    const endpoint = await createEndpoint(owner);
    for (const prompt of ["pr_abandoned", "pr_recent"]) {
      await withContext((ctx) => ctx.db().transaction((tx) => recordWebhookEvent(tx, { workspaceId: owner.workspaceId, type: "version.published", data: { prompt_id: prompt } })));
    }
    await withContext((ctx) => dispatchWebhookEvents({ ctx }));
    const [abandoned, recent] = (await deliveriesOf(endpoint.id)).sort((a, b) => a.id.localeCompare(b.id));
    // Both were handed to QStash; the first long ago.
    await withContext((ctx) => ctx.db().update(webhookDeliveries).set({ qstashMessageId: "msg_taken" }).where(eq(webhookDeliveries.webhookId, endpoint.id)));
    await withContext((ctx) => ctx.db().update(webhookDeliveries).set({ createdAt: new Date(Date.now() - 3 * 86_400_000) }).where(eq(webhookDeliveries.id, abandoned!.id)));
    await withContext((ctx) => sweepWebhookOutbox({ ctx }));
    const after = new Map((await deliveriesOf(endpoint.id)).map((delivery) => [delivery.id, delivery]));
    expect(after.get(abandoned!.id)).toMatchObject({ status: "failed", lastError: expect.stringContaining("gave up") });
    expect(after.get(recent!.id)).toMatchObject({ status: "pending" });
  });

  it("drops events older than the retention with their deliveries, and keeps the recent ones", async () => {
    const { owner } = await workspaceWith();
    const endpoint = await createEndpoint(owner);
    for (const prompt of ["pr_old", "pr_new"]) {
      await withContext((ctx) => ctx.db().transaction((tx) => recordWebhookEvent(tx, { workspaceId: owner.workspaceId, type: "version.published", data: { prompt_id: prompt } })));
    }
    await withContext((ctx) => dispatchWebhookEvents({ ctx }));
    await withContext((ctx) => ctx.db().update(webhookEvents).set({ createdAt: new Date(Date.now() - 31 * 86_400_000) }).where(and(eq(webhookEvents.workspaceId, owner.workspaceId), eq(sql`${webhookEvents.data}->>'prompt_id'`, "pr_old"))));
    await withContext((ctx) => pruneWebhookLog({ ctx }));
    expect((await outboxOf(owner.workspaceId)).map((event) => event.data)).toEqual([{ prompt_id: "pr_new" }]);
    expect((await deliveriesOf(endpoint.id)).map((delivery) => (delivery.payload as { data: unknown }).data)).toEqual([{ prompt_id: "pr_new" }]);
  });
});

describe("POST /api/jobs/webhook-delivery (QStash's target)", () => {
  async function runJob(body: Record<string, unknown>, env?: Record<string, unknown>) {
    const raw = JSON.stringify(body);
    const signature = await signDelivery(testEnv.QSTASH_CURRENT_SIGNING_KEY, "http://api.test/api/jobs/webhook-delivery", new TextEncoder().encode(raw));
    return call("POST", "/api/jobs/webhook-delivery", { rawBody: raw, headers: { "upstash-signature": signature }, ...(env ? { env } : {}) });
  }

  it("refuses unsigned calls, sends a settled delivery never again, and keeps to the workspace named", async () => {
    const { owner } = await workspaceWith();
    const endpoint = await createEndpoint(owner);
    const test = await owner.call("POST", `/api/webhooks/${endpoint.id}/test`);
    expect(test.status, JSON.stringify(test.body)).toBe(202);
    const deliveryId = test.body!.delivery_id as string;
    expect((await call("POST", "/api/jobs/webhook-delivery", { body: { delivery_id: deliveryId, workspace_id: owner.workspaceId } })).status).toBe(401);
    expect((await runJob({ delivery_id: deliveryId })).status).toBe(400);

    const { owner: stranger } = await workspaceWith();
    expect((await runJob({ delivery_id: deliveryId, workspace_id: stranger.workspaceId })).body).toEqual({ delivery_id: deliveryId, result: "skipped" });

    await withContext((ctx) => ctx.db().update(webhookDeliveries).set({ status: "succeeded" }).where(eq(webhookDeliveries.id, deliveryId)));
    expect((await runJob({ delivery_id: deliveryId, workspace_id: owner.workspaceId })).body).toEqual({ delivery_id: deliveryId, result: "skipped" });
    const log = await owner.call("GET", `/api/webhooks/${endpoint.id}/deliveries`);
    expect(log.body!.deliveries).toMatchObject([{ id: deliveryId, event: "webhook.test", status: "succeeded", attempts: 0, attempt_log: [] }]);
  });

  it("does not send to a URL that became refused, and fails the delivery without retrying", async () => {
    const { owner } = await workspaceWith();
    const endpoint = await createEndpoint(owner);
    // Written around the API's check, as an endpoint saved under older rules would be.
    await withContext((ctx) => ctx.db().update(webhooks).set({ url: "https://169.254.169.254/latest" }).where(eq(webhooks.id, endpoint.id)));
    const test = await owner.call("POST", `/api/webhooks/${endpoint.id}/test`);
    const deliveryId = test.body!.delivery_id as string;
    expect((await runJob({ delivery_id: deliveryId, workspace_id: owner.workspaceId })).body).toEqual({ delivery_id: deliveryId, result: "failed" });
    const log = await owner.call("GET", `/api/webhooks/${endpoint.id}/deliveries`);
    expect(log.body!.deliveries[0]).toMatchObject({ status: "failed", attempts: 1, attempt_log: [{ succeeded: false, response_status: null, error: expect.stringContaining("link-local") }] });
    expect((await owner.call("GET", `/api/webhooks/${endpoint.id}`)).body!.consecutive_failures).toBe(1);
  });

  it("disables an endpoint after WEBHOOK_FAILURE_LIMIT failed deliveries in a row and e-mails the workspace's Admins once", async () => {
    const { owner, members } = await workspaceWith("admin", "member");
    const endpoint = await createEndpoint(owner);
    await withContext((ctx) => ctx.db().update(webhooks).set({ url: "https://10.1.2.3/hook" }).where(eq(webhooks.id, endpoint.id)));
    const limit = { WEBHOOK_FAILURE_LIMIT: "2" };
    for (let failure = 1; failure <= 2; failure++) {
      const test = await owner.call("POST", `/api/webhooks/${endpoint.id}/test`);
      expect((await runJob({ delivery_id: test.body!.delivery_id, workspace_id: owner.workspaceId }, limit)).body!.result).toBe("failed");
      expect((await owner.call("GET", `/api/webhooks/${endpoint.id}`)).body).toMatchObject({ consecutive_failures: failure, active: failure < 2 });
    }
    expect((await owner.call("GET", `/api/webhooks/${endpoint.id}`)).body!.disabled_reason).toContain("2 deliveries in a row failed");
    for (const admin of [owner, members[0]]) {
      const mail = await waitForMail(admin.session.user.email, { subject: /webhook .* was disabled/ });
      expect(mail.text).toContain(endpoint.id);
    }
    expect((await listMail(members[1].session.user.email)).filter((mail) => /was disabled/.test(mail.subject))).toEqual([]);
    // Disabled: events are no longer fanned out to it, and a delivery still queued is not sent.
    const test = await owner.call("POST", `/api/webhooks/${endpoint.id}/test`);
    expect((await runJob({ delivery_id: test.body!.delivery_id, workspace_id: owner.workspaceId }, limit)).body!.result).toBe("failed");
    expect((await listMail(owner.session.user.email)).filter((mail) => /was disabled/.test(mail.subject))).toHaveLength(1);
    // Turned back on, it starts again from zero.
    expect((await owner.call("PATCH", `/api/webhooks/${endpoint.id}`, { active: true })).body).toMatchObject({ active: true, consecutive_failures: 0, disabled_reason: null });
  });
});
