/** Deleting an endpoint (Admin): its deliveries and their attempts go with it (cascade). */
import { and, eq } from "drizzle-orm";
import { webhooks } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { auditedUrl } from "./outbound-url.ts";
import { loadWebhook } from "./webhook-view.ts";

export async function deleteWebhook({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; webhookId: string; actorUserId: string } }): Promise<void> {
  await ctx.db().transaction(async (tx) => {
    const before = await loadWebhook(tx, input, true);
    await tx.delete(webhooks).where(and(eq(webhooks.id, before.id), eq(webhooks.workspaceId, input.workspaceId)));
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "webhook.delete",
      targetType: "webhook",
      targetId: before.id,
      before: { url: auditedUrl(before.url), kind: before.kind, events: before.events, description: before.description },
    });
  });
}
