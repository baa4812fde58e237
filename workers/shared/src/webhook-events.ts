/**
 * The event types a workspace's webhooks (and Slack endpoints) can subscribe to (S7). Each is
 * recorded in the same transaction as the change it reports (see the API's
 * services/webhooks/record-event.ts), so a committed change is always announced and a rolled-back
 * one never is.
 */
export const WEBHOOK_EVENT_TYPES = [
  "prompt.created",
  "version.created",
  "version.published",
  "version.rolled_back",
  "approval.requested",
  "approval.decided",
  "experiment.started",
  "experiment.stopped",
  "experiment.srm_detected",
  "alert.fired",
  "alert.resolved",
  "api_key.created",
  "api_key.revoked",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** One sentence per type: the OpenAPI document's description of it and the site's subscription checkboxes (here, free of zod, so the site bundles it cheaply). */
export const WEBHOOK_EVENT_DESCRIPTIONS: Record<WebhookEventType, string> = {
  "prompt.created": "A prompt was created, imported, copied or moved into the workspace.",
  "version.created": "A draft version was added to a prompt.",
  "version.published": "A version went live in an environment (published or promoted, directly or by an approval).",
  "version.rolled_back": "An environment was rolled back to an earlier version.",
  "approval.requested": "A production deployment waits for an Admin's approval.",
  "approval.decided": "An Admin approved (and so deployed) or rejected a pending deployment.",
  "experiment.started": "An experiment started assigning units to its variants.",
  "experiment.stopped": "An experiment stopped; everyone gets the published version again.",
  "experiment.srm_detected": "A running experiment's units per variant do not match its weights (sample-ratio mismatch).",
  "alert.fired": "An alert rule's threshold was crossed.",
  "alert.resolved": "A fired alert rule is back within its threshold.",
  "api_key.created": "A Product API key was created (its secret is never sent).",
  "api_key.revoked": "A Product API key was revoked.",
};
