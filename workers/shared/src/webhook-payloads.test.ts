import { describe, expect, it } from "vitest";
import { WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES } from "./webhook-events.ts";
import { WEBHOOK_PAYLOAD_EXAMPLES, WEBHOOK_PAYLOAD_SCHEMAS, webhookEnvelopeExample, webhookEnvelopeSchema, webhookEventPath } from "./webhook-payloads.ts";

describe("webhook payloads", () => {
  it("has a schema, a description and an example for every event type, and each example matches its schema exactly", () => {
    expect(Object.keys(WEBHOOK_PAYLOAD_SCHEMAS).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    expect(Object.keys(WEBHOOK_EVENT_DESCRIPTIONS).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    for (const type of WEBHOOK_EVENT_TYPES) {
      const example = WEBHOOK_PAYLOAD_EXAMPLES[type];
      // Parsing strips unknown keys: equal means the example has no field the schema does not document.
      expect(WEBHOOK_PAYLOAD_SCHEMAS[type].parse(example), type).toEqual(example);
      expect(webhookEnvelopeSchema(type).parse(webhookEnvelopeExample(type)), type).toEqual({ type, timestamp: expect.any(String), data: example });
    }
  });

  it("gives every payload the workspace, the actor (or null) and the link, and never a key", () => {
    for (const type of WEBHOOK_EVENT_TYPES) {
      const schema = WEBHOOK_PAYLOAD_SCHEMAS[type];
      expect(Object.keys(schema.shape), type).toEqual(expect.arrayContaining(["workspace_id", "actor", "url"]));
      expect(schema.safeParse({ ...WEBHOOK_PAYLOAD_EXAMPLES[type], actor: null, url: null }).success, type).toBe(true);
      expect(schema.safeParse({ ...WEBHOOK_PAYLOAD_EXAMPLES[type], workspace_id: undefined }).success, type).toBe(false);
    }
    expect(JSON.stringify(WEBHOOK_PAYLOAD_EXAMPLES["api_key.created"])).not.toMatch(/xr2_live_[A-Za-z0-9_-]{20,}/);
    expect(Object.keys(WEBHOOK_PAYLOAD_SCHEMAS["api_key.created"].shape.api_key.shape)).not.toContain("key");
  });

  it("refuses an envelope of another type and a payload missing what its type needs", () => {
    expect(webhookEnvelopeSchema("version.published").safeParse(webhookEnvelopeExample("version.rolled_back")).success).toBe(false);
    const { prompt: _prompt, ...withoutPrompt } = WEBHOOK_PAYLOAD_EXAMPLES["version.created"];
    expect(WEBHOOK_PAYLOAD_SCHEMAS["version.created"].safeParse(withoutPrompt).success).toBe(false);
    expect(WEBHOOK_PAYLOAD_SCHEMAS["approval.decided"].safeParse({ ...WEBHOOK_PAYLOAD_EXAMPLES["approval.decided"], approval: { id: "apr_1", status: "pending", note: null } }).success).toBe(false);
  });

  it("links each event to the site's page that shows it", () => {
    const prompt = { id: "pr_1" };
    const paths = Object.fromEntries(WEBHOOK_EVENT_TYPES.map((type) => [type, webhookEventPath(type, { prompt, experiment: { id: "exp_1" } })]));
    expect(paths).toEqual({
      "prompt.created": "/prompts/pr_1",
      "version.created": "/prompts/pr_1?tab=versions",
      "version.published": "/prompts/pr_1?tab=deployments",
      "version.rolled_back": "/prompts/pr_1?tab=deployments",
      "approval.requested": "/approvals",
      "approval.decided": "/approvals",
      "experiment.started": "/experiments/exp_1",
      "experiment.stopped": "/experiments/exp_1",
      "experiment.srm_detected": "/experiments/exp_1",
      "alert.fired": "/prompts/pr_1",
      "alert.resolved": "/prompts/pr_1",
      "api_key.created": "/api-keys",
      "api_key.revoked": "/api-keys",
    });
    expect(webhookEventPath("alert.fired", { prompt: null })).toBe("/dashboard");
    expect(webhookEventPath("prompt.created", { prompt: { id: "a/../b?c" } })).toBe("/prompts/a%2F..%2Fb%3Fc");
  });
});
