/**
 * A new signing secret (Admin), shown in this answer only. The secret it replaces keeps signing
 * deliveries (a second signature in webhook-signature) for SECRET_ROTATION_OVERLAP_MS, so
 * receivers switch without refusing anything; rotating again within the overlap drops the oldest.
 */
import { and, eq } from "drizzle-orm";
import { webhooks } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { loadWebhook, webhookView } from "./webhook-view.ts";
import { encryptWebhookSecret, newWebhookSecret, SECRET_ROTATION_OVERLAP_MS } from "./webhook-secret.ts";

export async function rotateWebhookSecret({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; webhookId: string; actorUserId: string } }) {
  const secret = newWebhookSecret();
  const sealed = await encryptWebhookSecret(ctx.env, { id: input.webhookId, workspaceId: input.workspaceId }, secret);
  const row = await ctx.db().transaction(async (tx) => {
    const before = await loadWebhook(tx, input, true);
    const previousExpiresAt = new Date(Date.now() + SECRET_ROTATION_OVERLAP_MS);
    const [updated] = await tx
      .update(webhooks)
      .set({
        secretCiphertext: sealed.ciphertext,
        secretIv: sealed.iv,
        encryptionKeyId: sealed.encryptionKeyId,
        previousSecretCiphertext: before.secretCiphertext,
        previousSecretIv: before.secretIv,
        previousEncryptionKeyId: before.encryptionKeyId,
        previousSecretExpiresAt: previousExpiresAt,
      })
      .where(and(eq(webhooks.id, before.id), eq(webhooks.workspaceId, input.workspaceId)))
      .returning();
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "webhook.rotate_secret",
      targetType: "webhook",
      targetId: before.id,
      after: { previous_secret_expires_at: previousExpiresAt.toISOString() },
    });
    return updated!;
  });
  return { ...webhookView(row), secret };
}
