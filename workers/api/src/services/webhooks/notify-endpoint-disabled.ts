/**
 * The notice sent to a workspace's Admins when one of its webhook endpoints was disabled for
 * failing (deliver-webhook.ts): which endpoint, why, and where to turn it back on. A mail that
 * cannot be sent is logged; the endpoint stays disabled and says why in the API and the site.
 */
import { and, eq, isNull } from "drizzle-orm";
import { users, workspaceMembers, workspaces, type Webhook } from "@xr2/db/schema";
import { describeError, log } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { siteLink } from "../links/site-link.ts";
import { composeMail } from "../mail/compose.ts";

/** Admins mailed per notice; a workspace with more gets the first ones. */
const MAX_RECIPIENTS = 50;

export async function notifyEndpointDisabled({ ctx, input }: { ctx: ServiceContext; input: { webhook: Pick<Webhook, "id" | "workspaceId" | "url"> } }): Promise<void> {
  const { webhook } = input;
  const admins = await ctx
    .db()
    .select({ email: users.email, workspaceName: workspaces.name })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .innerJoin(workspaces, and(eq(workspaces.id, workspaceMembers.workspaceId), isNull(workspaces.deletedAt)))
    .where(and(eq(workspaceMembers.workspaceId, webhook.workspaceId), eq(workspaceMembers.role, "admin")))
    .limit(MAX_RECIPIENTS);
  const host = new URL(webhook.url).host;
  for (const admin of admins) {
    try {
      await ctx.mailer().send(
        composeMail({
          to: admin.email,
          subject: `A webhook of ${admin.workspaceName.replace(/[\u0000-\u001f\u007f]+/g, " ")} was disabled`,
          paragraphs: [
            `The webhook endpoint on ${host} (${webhook.id}) failed ${ctx.env.WEBHOOK_FAILURE_LIMIT} deliveries in a row, so xR2 stopped sending to it.`,
            "Fix the receiver, then turn the endpoint back on; its delivery log shows what it answered.",
          ],
          ...(ctx.env.SITE_URL !== undefined ? { action: { label: "See the webhook", url: siteLink(ctx.env, "/settings/webhooks") } } : {}),
        }),
      );
    } catch (error) {
      log("error", "webhook disabled notice not sent", { request_id: ctx.requestId, webhook_id: webhook.id, error: describeError(error) });
    }
  }
}
