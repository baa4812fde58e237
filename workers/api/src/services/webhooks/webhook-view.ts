/** A webhook endpoint as the API shows it (never its secret), and loading one within a workspace. */
import { and, eq } from "drizzle-orm";
import { webhooks, type Webhook } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { PoolDatabase, Transaction } from "../../context.ts";

export function webhookView(row: Webhook) {
  return {
    id: row.id,
    url: row.url,
    kind: row.kind,
    description: row.description,
    events: row.events,
    active: row.active,
    consecutive_failures: row.consecutiveFailures,
    disabled_reason: row.disabledReason,
    disabled_at: row.disabledAt?.toISOString() ?? null,
    previous_secret_expires_at: row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > new Date() ? row.previousSecretExpiresAt.toISOString() : null,
    created_by_id: row.createdById,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export type WebhookView = ReturnType<typeof webhookView>;

/** The workspace's endpoint, locked for the caller's transaction when `forUpdate`; 404 otherwise. */
export async function loadWebhook(db: PoolDatabase | Transaction, input: { workspaceId: string; webhookId: string }, forUpdate = false): Promise<Webhook> {
  const query = db.select().from(webhooks).where(and(eq(webhooks.id, input.webhookId), eq(webhooks.workspaceId, input.workspaceId))).limit(1);
  const [row] = forUpdate ? await query.for("update") : await query;
  if (!row) throw new ApiError("NOT_FOUND", "Webhook not found");
  return row;
}
