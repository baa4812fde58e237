/**
 * Changing an endpoint (Admin): URL (checked again), events, description, and `active`. Turning
 * an endpoint back on clears its failure count and the reason it was disabled.
 */
import { and, eq } from "drizzle-orm";
import { webhooks, type WebhookKind } from "@xr2/db/schema";
import type { WebhookEventType } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { assertOutboundUrl } from "./create-webhook.ts";
import { auditedUrl } from "./outbound-url.ts";
import { loadWebhook, webhookView } from "./webhook-view.ts";

export interface UpdateWebhookInput {
  workspaceId: string;
  webhookId: string;
  actorUserId: string;
  url?: string | undefined;
  events?: WebhookEventType[] | undefined;
  kind?: WebhookKind | undefined;
  description?: string | null | undefined;
  active?: boolean | undefined;
}

export async function updateWebhook({ ctx, input }: { ctx: ServiceContext; input: UpdateWebhookInput }) {
  if (input.url !== undefined) assertOutboundUrl(ctx, input.url);
  const row = await ctx.db().transaction(async (tx) => {
    const before = await loadWebhook(tx, input, true);
    const reactivated = input.active === true && !before.active;
    const [updated] = await tx
      .update(webhooks)
      .set({
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.events !== undefined ? { events: input.events } : {}),
        ...(input.kind !== undefined ? { kind: input.kind } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        ...(reactivated ? { consecutiveFailures: 0, disabledReason: null, disabledAt: null } : {}),
      })
      .where(and(eq(webhooks.id, before.id), eq(webhooks.workspaceId, input.workspaceId)))
      .returning();
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "webhook.update",
      targetType: "webhook",
      targetId: before.id,
      before: { url: auditedUrl(before.url), kind: before.kind, events: before.events, description: before.description, active: before.active },
      after: { url: auditedUrl(updated!.url), kind: updated!.kind, events: updated!.events, description: updated!.description, active: updated!.active },
    });
    return updated!;
  });
  return webhookView(row);
}
