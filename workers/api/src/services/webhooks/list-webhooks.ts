/** The workspace's endpoints (at most MAX_WEBHOOKS_PER_WORKSPACE, so one page), oldest first. */
import { asc, eq } from "drizzle-orm";
import { webhooks } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { MAX_WEBHOOKS_PER_WORKSPACE } from "./create-webhook.ts";
import { loadWebhook, webhookView } from "./webhook-view.ts";

export async function listWebhooks({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string } }) {
  const rows = await ctx.db().select().from(webhooks).where(eq(webhooks.workspaceId, input.workspaceId)).orderBy(asc(webhooks.createdAt), asc(webhooks.id)).limit(MAX_WEBHOOKS_PER_WORKSPACE * 2);
  return rows.map(webhookView);
}

export async function getWebhook({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; webhookId: string } }) {
  return webhookView(await loadWebhook(ctx.db(), input));
}
