/**
 * A new webhook endpoint (Admin). Its signing secret is in this answer only; the database keeps
 * it encrypted. The URL must pass the outbound checks (outbound-url.ts). At most
 * MAX_WEBHOOKS_PER_WORKSPACE endpoints, counted under the workspace's row lock.
 */
import { count, eq } from "drizzle-orm";
import { webhooks, type WebhookKind } from "@xr2/db/schema";
import { ApiError, newId, type WebhookEventType } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { auditedUrl, outboundUrlProblem } from "./outbound-url.ts";
import { webhookView } from "./webhook-view.ts";
import { encryptWebhookSecret, newWebhookSecret } from "./webhook-secret.ts";
import { lockLiveWorkspace } from "../workspaces/lock-workspace.ts";

export const MAX_WEBHOOKS_PER_WORKSPACE = 20;

export interface CreateWebhookInput {
  workspaceId: string;
  actorUserId: string;
  url: string;
  events: WebhookEventType[];
  kind: WebhookKind;
  description: string | null;
}

/** Refuses a URL webhooks may not be sent to, with the reason (400). */
export function assertOutboundUrl(ctx: ServiceContext, url: string): void {
  const problem = outboundUrlProblem(url, { allowLoopback: ctx.env.WEBHOOKS_ALLOW_LOOPBACK });
  if (problem !== null) throw new ApiError("VALIDATION_FAILED", `url: ${problem}`);
}

export async function createWebhook({ ctx, input }: { ctx: ServiceContext; input: CreateWebhookInput }) {
  assertOutboundUrl(ctx, input.url);
  const id = newId("webhook");
  const secret = newWebhookSecret();
  const sealed = await encryptWebhookSecret(ctx.env, { id, workspaceId: input.workspaceId }, secret);
  const row = await ctx.db().transaction(async (tx) => {
    await lockLiveWorkspace(tx, input.workspaceId);
    const [existing] = await tx.select({ n: count() }).from(webhooks).where(eq(webhooks.workspaceId, input.workspaceId));
    if ((existing?.n ?? 0) >= MAX_WEBHOOKS_PER_WORKSPACE) throw new ApiError("CONFLICT", `A workspace can have at most ${MAX_WEBHOOKS_PER_WORKSPACE} webhook endpoints; delete unused ones first`);
    const [inserted] = await tx
      .insert(webhooks)
      .values({
        id,
        workspaceId: input.workspaceId,
        url: input.url,
        kind: input.kind,
        description: input.description,
        secretCiphertext: sealed.ciphertext,
        secretIv: sealed.iv,
        encryptionKeyId: sealed.encryptionKeyId,
        events: input.events,
        createdById: input.actorUserId,
      })
      .returning();
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "webhook.create",
      targetType: "webhook",
      targetId: id,
      after: { url: auditedUrl(input.url), kind: input.kind, events: input.events, description: input.description },
    });
    return inserted!;
  });
  return { ...webhookView(row), secret };
}
