/**
 * The one way a change site announces itself: `emitEvent(tx, ctx, {...})` inside the change's own
 * transaction. The site gives the type, the workspace, who acted and the payload's own fields
 * (typed per event type by the shared schemas, workers/shared/src/webhook-payloads.ts); this adds
 * what every payload carries: the workspace id, the actor ({user_id, email}, read in the same
 * transaction) and the link to the site's page. The outbox (record-event.ts) does the rest.
 */
import { and, eq } from "drizzle-orm";
import { prompts, promptVersions, users } from "@xr2/db/schema";
import { ApiError, webhookEventPath, type WebhookEventType, type WebhookPayload } from "@xr2/shared";
import type { ApiEnv } from "../../env.ts";
import type { ServiceContext, Transaction } from "../../context.ts";
import { recordWebhookEvent } from "./record-event.ts";

/** What a change site supplies: the payload without the fields added here. */
export type WebhookEventFields<T extends WebhookEventType> = Omit<WebhookPayload<T>, "workspace_id" | "actor" | "url">;

export interface EmittedEvent<T extends WebhookEventType> {
  type: T;
  workspaceId: string;
  /** Who made the change; null when xR2 did (a job). */
  actorUserId: string | null;
  data: WebhookEventFields<T>;
}

export async function emitEvent<T extends WebhookEventType>(tx: Transaction, ctx: Pick<ServiceContext, "env">, event: EmittedEvent<T>): Promise<void> {
  const actor = await webhookActor(tx, event.actorUserId);
  await recordWebhookEvent(tx, { workspaceId: event.workspaceId, type: event.type, data: webhookPayload(ctx.env, event, actor) });
}

/** The full payload (pure: the actor is looked up by the caller), as delivered in `data`. */
export function webhookPayload<T extends WebhookEventType>(env: Pick<ApiEnv, "SITE_URL">, event: EmittedEvent<T>, actor: WebhookPayload<T>["actor"]): WebhookPayload<T> {
  return { workspace_id: event.workspaceId, ...event.data, actor, url: siteUrl(env, webhookEventPath(event.type, event.data)) } as WebhookPayload<T>;
}

/**
 * A page of the site, on the configured origin; null without SITE_URL (a receiver gets no link
 * rather than the whole change failing for want of one).
 */
function siteUrl(env: Pick<ApiEnv, "SITE_URL">, path: string): string | null {
  return env.SITE_URL === undefined ? null : new URL(path, new URL(env.SITE_URL).origin).toString();
}

/** {user_id, email} of a user, or null (no user: xR2 acted; an account deleted meanwhile). */
export async function webhookActor(tx: Transaction, userId: string | null): Promise<{ user_id: string; email: string } | null> {
  if (userId === null) return null;
  const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
  return user ? { user_id: userId, email: user.email } : null;
}

/** A prompt as payloads name it, read in the change's transaction. */
export async function promptRef(tx: Transaction, input: { workspaceId: string; promptId: string }): Promise<{ id: string; slug: string; name: string }> {
  const [prompt] = await tx
    .select({ id: prompts.id, slug: prompts.slug, name: prompts.name })
    .from(prompts)
    .where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)))
    .limit(1);
  if (!prompt) throw new ApiError("NOT_FOUND", "Prompt not found");
  return prompt;
}

/** A version as payloads name it ({id, number}), read in the change's transaction. */
export async function versionRef(tx: Transaction, input: { workspaceId: string; versionId: string }): Promise<{ id: string; number: number }> {
  const [version] = await tx
    .select({ id: promptVersions.id, number: promptVersions.versionNumber })
    .from(promptVersions)
    .where(and(eq(promptVersions.id, input.versionId), eq(promptVersions.workspaceId, input.workspaceId)))
    .limit(1);
  if (!version) throw new ApiError("NOT_FOUND", "Version not found");
  return version;
}
