/** The public shapes of /api/workspaces. */
import { z } from "@hono/zod-openapi";
import { ROLES } from "../../permissions.ts";

export const workspaceIdParam = z.object({ workspaceId: z.string().openapi({ param: { name: "workspaceId", in: "path" }, example: "ws_01j…" }) });
export const memberParams = workspaceIdParam.extend({ userId: z.string().max(64).openapi({ param: { name: "userId", in: "path" } }) });
export const roleSchema = z.enum(ROLES);
export const workspaceNameSchema = z.string().trim().min(1).max(100);

export const workspaceSchema = z
  .object({ id: z.string(), name: z.string(), owner_id: z.string(), require_production_approval: z.boolean() })
  .openapi("Workspace");
export const myWorkspaceSchema = z.object({ id: z.string(), name: z.string(), owner_id: z.string(), role: roleSchema }).openapi("MyWorkspace");
export const memberSchema = z.object({ user_id: z.string(), email: z.string(), name: z.string(), role: roleSchema, joined_at: z.string() }).openapi("Member");

/** An invitation as its Admin sees it once: with the token of its link (never readable again). */
export const issuedInvitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: roleSchema,
    invite_token: z.string(),
    invite_url: z.string().nullable().openapi({ description: "`${SITE_URL}/invitations/{invite_token}`, the link the e-mail carries; null when SITE_URL is not set" }),
    expires_at: z.string(),
    email_sent: z.boolean().openapi({ description: "Whether the invitation e-mail was handed to the mail provider; when false, share the link yourself" }),
    email_not_sent_reason: z
      .string()
      .nullable()
      .openapi({ description: "Why no e-mail was sent (null when it was): the inviting account's address is not verified yet, or the mail provider failed" }),
  })
  .openapi("IssuedInvitation");
