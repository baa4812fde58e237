/**
 * The payload (`data`) of each webhook event type (S7), one zod schema each, with an example.
 * The delivered body is the Standard Webhooks envelope `{type, timestamp, data}`. These schemas
 * are the contract: the API builds payloads to them (services/webhooks/emit-event.ts), the
 * OpenAPI document lists them under `webhooks`, and the Slack formatter reads them.
 *
 * Every payload names what a receiver needs to act without calling back: ids and names (never a
 * secret), the environment where it applies, who did it (`actor`: null when xR2 itself did, e.g.
 * a scheduled job), and `url`, the page of the management site that shows it (null when the
 * deployment has no SITE_URL).
 */
import * as z from "zod";
import { ENVIRONMENTS } from "./kv.ts";
import type { WebhookEventType } from "./webhook-events.ts";

const id = (description: string) => z.string().min(1).max(64).describe(description);
const name = (description: string) => z.string().max(256).describe(description);

export const webhookActorSchema = z
  .object({ user_id: id("The user's id (usr_…)"), email: z.string().max(320).describe("The user's e-mail address") })
  .nullable()
  .describe("Who made the change; null when xR2 did (a scheduled publish, an alert)");

const environment = z.enum(ENVIRONMENTS).describe("The environment the change applies to");

const promptRef = z
  .object({ id: id("pr_…"), slug: z.string().max(128).describe("What apps fetch it by"), name: name("The prompt's display name") })
  .describe("The prompt");
const versionRef = z.object({ id: id("pv_…"), number: z.number().int().min(1).describe("The version number (v1, v2, …) within its prompt") });

const common = {
  workspace_id: id("The workspace (ws_…)"),
  actor: webhookActorSchema,
  url: z.string().max(2048).nullable().describe("The site's page showing this; null when the deployment has no SITE_URL"),
};

const ORIGINS = ["created", "imported", "copied", "moved"] as const;

const promptCreated = z.object({
  ...common,
  prompt: promptRef,
  origin: z.enum(ORIGINS).describe("created by hand (or API), imported from a document, copied or moved from another workspace"),
  versions: z.array(versionRef).max(1_000).describe("The versions it arrived with (drafts), oldest first; empty when created by hand"),
});

const versionCreated = z.object({
  ...common,
  prompt: promptRef,
  version: versionRef.extend({ changelog: z.string().max(2_000).nullable().describe("The author's note, if any") }),
  origin: z.enum(["created", "imported"]).describe("created by hand (or API, MCP), or appended to an existing prompt by an import"),
});

const deployment = {
  prompt: promptRef,
  environment,
  version: versionRef.describe("The version the environment serves now"),
  previous_version: versionRef.nullable().describe("What it served before; null when nothing was published there"),
  deployment_id: id("The deployment history row (dep_…)"),
};

const versionPublished = z.object({ ...common, ...deployment, approval_id: id("The approval that cleared it (apr_…)").nullable() });
const versionRolledBack = z.object({ ...common, ...deployment });

const approvalRequested = z.object({
  ...common,
  approval: z.object({ id: id("apr_…"), status: z.literal("pending"), comment: z.string().max(2_000).nullable().describe("The requester's note") }),
  prompt: promptRef,
  environment,
  version: versionRef.describe("The version asked to be deployed"),
});

const approvalDecided = z.object({
  ...common,
  approval: z.object({
    id: id("apr_…"),
    status: z.enum(["approved", "rejected"]).describe("approved: the version was deployed in the same change (a version.published follows)"),
    note: z.string().max(2_000).nullable().describe("The deciding Admin's note"),
  }),
  requested_by: webhookActorSchema.describe("Who asked; null when their account is gone"),
  prompt: promptRef,
  environment,
  version: versionRef,
});

const experimentRef = z.object({ id: id("exp_…"), name: name("The experiment's name"), primary_event: z.string().max(64).describe("The event whose conversion decides it") });
const variant = z.object({ key: z.string().max(64), version: versionRef, weight: z.number().int().min(0) });

const experimentStarted = z.object({ ...common, experiment: experimentRef, prompt: promptRef, environment, variants: z.array(variant).max(10).describe("Control first") });
const experimentStopped = z.object({ ...common, experiment: experimentRef, prompt: promptRef, environment });

const experimentSrmDetected = z.object({
  ...common,
  experiment: experimentRef,
  prompt: promptRef,
  environment,
  p_value: z.number().min(0).max(1).describe("Of the chi-squared test of the units per variant against the weights"),
  variants: z.array(z.object({ key: z.string().max(64), weight: z.number().int().min(0), units: z.number().int().min(0) })).max(10),
});

const alert = {
  alert: z.object({
    rule_id: id("The alert rule"),
    name: name("The rule's name"),
    metric: z.string().max(64).describe("error_rate, latency_p95, requests_drop, cost_per_day, conversion_rate or srm"),
    threshold: z.number(),
    window_minutes: z.number().int().min(1),
    value: z.number().nullable().describe("The measured value when it was evaluated"),
  }),
  prompt: promptRef.nullable().describe("null when the rule watches the whole workspace"),
  environment: z.enum(ENVIRONMENTS).nullable().describe("The environment the rule watches; null when it watches every environment"),
};
const alertFired = z.object({ ...common, ...alert });
const alertResolved = z.object({ ...common, ...alert });

const apiKeyRef = {
  id: id("key_…"),
  name: name("The key's name"),
  prefix: z.string().max(16).describe("The first characters of the key (never the key itself)"),
};
const apiKeyCreated = z.object({
  ...common,
  api_key: z.object({
    ...apiKeyRef,
    scopes: z.array(z.string().max(32)).max(8),
    environment: z.enum(ENVIRONMENTS).nullable().describe("The only environment it may read; null: any"),
    expires_at: z.string().max(40).nullable(),
  }),
});
const apiKeyRevoked = z.object({ ...common, api_key: z.object(apiKeyRef) });

export const WEBHOOK_PAYLOAD_SCHEMAS = {
  "prompt.created": promptCreated,
  "version.created": versionCreated,
  "version.published": versionPublished,
  "version.rolled_back": versionRolledBack,
  "approval.requested": approvalRequested,
  "approval.decided": approvalDecided,
  "experiment.started": experimentStarted,
  "experiment.stopped": experimentStopped,
  "experiment.srm_detected": experimentSrmDetected,
  "alert.fired": alertFired,
  "alert.resolved": alertResolved,
  "api_key.created": apiKeyCreated,
  "api_key.revoked": apiKeyRevoked,
} as const satisfies Record<WebhookEventType, z.ZodType>;

export type WebhookPayload<T extends WebhookEventType> = z.infer<(typeof WEBHOOK_PAYLOAD_SCHEMAS)[T]>;

/** The delivered body (Standard Webhooks): `type`, when it happened, and the payload. */
export function webhookEnvelopeSchema<T extends WebhookEventType>(type: T) {
  return z.object({
    type: z.literal(type),
    timestamp: z.string().max(40).describe("When the change happened (ISO 8601, UTC)"),
    data: WEBHOOK_PAYLOAD_SCHEMAS[type],
  });
}

/** The site's page for an event (a path on SITE_URL), from its payload. */
export function webhookEventPath(type: WebhookEventType, data: { prompt?: { id: string } | null; experiment?: { id: string }; [field: string]: unknown }): string {
  const prompt = (tab?: string) => `/prompts/${encodeURIComponent(data.prompt?.id ?? "")}${tab ? `?tab=${tab}` : ""}`;
  switch (type) {
    case "prompt.created":
      return prompt();
    case "version.created":
      return prompt("versions");
    case "version.published":
    case "version.rolled_back":
      return prompt("deployments");
    case "approval.requested":
    case "approval.decided":
      return "/approvals";
    case "experiment.started":
    case "experiment.stopped":
    case "experiment.srm_detected":
      return `/experiments/${encodeURIComponent(data.experiment?.id ?? "")}`;
    case "alert.fired":
    case "alert.resolved":
      // A rule on the whole workspace has no page of its own yet: the dashboard shows the metrics.
      return data.prompt ? prompt() : "/dashboard";
    case "api_key.created":
    case "api_key.revoked":
      return "/api-keys";
  }
}

const SITE = "https://app.xr2.example";
const ACTOR = { user_id: "usr_01jf3v2k9q8m7n6b5c4x3z2y1w", email: "pat@example.com" };
const WORKSPACE = "ws_01jf3v2k9q8m7n6b5c4x3z2y1a";
const PROMPT = { id: "pr_01jf3v2k9q8m7n6b5c4x3z2y1b", slug: "welcome-message", name: "Welcome message" };
const V3 = { id: "pv_01jf3v2k9q8m7n6b5c4x3z2y1c", number: 3 };
const V2 = { id: "pv_01jf3v2k9q8m7n6b5c4x3z2y1d", number: 2 };
const EXPERIMENT = { id: "exp_01jf3v2k9q8m7n6b5c4x3z2y1e", name: "Shorter greeting", primary_event: "signup_completed" };
const APPROVAL = "apr_01jf3v2k9q8m7n6b5c4x3z2y1f";
const KEY = { id: "key_01jf3v2k9q8m7n6b5c4x3z2y1g", name: "Checkout app", prefix: "xr2_live_Ab3" };
const RULE = { rule_id: "alr_01jf3v2k9q8m7n6b5c4x3z2y1h", name: "Checkout errors", metric: "error_rate", threshold: 0.05, window_minutes: 15 };

/** One example payload per type (checked against its schema by a test). */
export const WEBHOOK_PAYLOAD_EXAMPLES: { [T in WebhookEventType]: WebhookPayload<T> } = {
  "prompt.created": { workspace_id: WORKSPACE, prompt: PROMPT, origin: "created", versions: [], actor: ACTOR, url: `${SITE}/prompts/${PROMPT.id}` },
  "version.created": { workspace_id: WORKSPACE, prompt: PROMPT, version: { ...V3, changelog: "Shorter greeting" }, origin: "created", actor: ACTOR, url: `${SITE}/prompts/${PROMPT.id}?tab=versions` },
  "version.published": { workspace_id: WORKSPACE, prompt: PROMPT, environment: "production", version: V3, previous_version: V2, deployment_id: "dep_01jf3v2k9q8m7n6b5c4x3z2y1i", approval_id: null, actor: ACTOR, url: `${SITE}/prompts/${PROMPT.id}?tab=deployments` },
  "version.rolled_back": { workspace_id: WORKSPACE, prompt: PROMPT, environment: "production", version: V2, previous_version: V3, deployment_id: "dep_01jf3v2k9q8m7n6b5c4x3z2y1j", actor: ACTOR, url: `${SITE}/prompts/${PROMPT.id}?tab=deployments` },
  "approval.requested": { workspace_id: WORKSPACE, approval: { id: APPROVAL, status: "pending", comment: "Ready for the launch" }, prompt: PROMPT, environment: "production", version: V3, actor: ACTOR, url: `${SITE}/approvals` },
  "approval.decided": {
    workspace_id: WORKSPACE,
    approval: { id: APPROVAL, status: "approved", note: null },
    requested_by: { user_id: "usr_01jf3v2k9q8m7n6b5c4x3z2y1k", email: "sam@example.com" },
    prompt: PROMPT,
    environment: "production",
    version: V3,
    actor: ACTOR,
    url: `${SITE}/approvals`,
  },
  "experiment.started": {
    workspace_id: WORKSPACE,
    experiment: EXPERIMENT,
    prompt: PROMPT,
    environment: "production",
    variants: [
      { key: "control", version: V2, weight: 50 },
      { key: "variant_1", version: V3, weight: 50 },
    ],
    actor: ACTOR,
    url: `${SITE}/experiments/${EXPERIMENT.id}`,
  },
  "experiment.stopped": { workspace_id: WORKSPACE, experiment: EXPERIMENT, prompt: PROMPT, environment: "production", actor: ACTOR, url: `${SITE}/experiments/${EXPERIMENT.id}` },
  "experiment.srm_detected": {
    workspace_id: WORKSPACE,
    experiment: EXPERIMENT,
    prompt: PROMPT,
    environment: "production",
    p_value: 0.0004,
    variants: [
      { key: "control", weight: 50, units: 5_210 },
      { key: "variant_1", weight: 50, units: 4_790 },
    ],
    actor: null,
    url: `${SITE}/experiments/${EXPERIMENT.id}`,
  },
  "alert.fired": { workspace_id: WORKSPACE, alert: { ...RULE, value: 0.083 }, prompt: PROMPT, environment: "production", actor: null, url: `${SITE}/prompts/${PROMPT.id}` },
  "alert.resolved": { workspace_id: WORKSPACE, alert: { ...RULE, value: 0.012 }, prompt: PROMPT, environment: "production", actor: null, url: `${SITE}/prompts/${PROMPT.id}` },
  "api_key.created": { workspace_id: WORKSPACE, api_key: { ...KEY, scopes: ["prompts:read", "events:write"], environment: null, expires_at: null }, actor: ACTOR, url: `${SITE}/api-keys` },
  "api_key.revoked": { workspace_id: WORKSPACE, api_key: KEY, actor: ACTOR, url: `${SITE}/api-keys` },
};

/** The example of the whole delivered body of one type. */
export function webhookEnvelopeExample<T extends WebhookEventType>(type: T) {
  return { type, timestamp: "2026-12-07T09:30:00.000Z", data: WEBHOOK_PAYLOAD_EXAMPLES[type] };
}

