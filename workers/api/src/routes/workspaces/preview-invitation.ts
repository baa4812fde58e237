import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { previewInvitation } from "../../services/workspaces/preview-invitation.ts";
import { roleSchema } from "./schemas.ts";

const invitationPreviewSchema = z
  .object({
    workspace: z.object({ id: z.string(), name: z.string() }),
    invited_by: z
      .object({ name: z.string(), email: z.string().nullable().openapi({ description: "The inviter's address, only when verified (null otherwise)" }) })
      .nullable(),
    email: z.string().openapi({ description: "The invited address: only an account with it can accept" }),
    role: roleSchema,
    expires_at: z.string(),
    status: z.enum(["pending", "accepted", "expired", "revoked"]),
  })
  .openapi("InvitationPreview");

const route = createRoute({
  method: "get",
  path: "/api/invitations/{token}",
  tags: ["workspaces"],
  summary: "What an invitation link offers, for the invitation page (no sign-in needed)",
  description: "The token is the one of the link `${SITE_URL}/invitations/{token}`. Accepting still needs a session of the invited address (POST /api/workspaces/invitations/accept).",
  request: { params: z.object({ token: z.string().min(1).max(200).openapi({ param: { name: "token", in: "path" } }) }) },
  responses: { 200: jsonResponse("The invitation", invitationPreviewSchema), ...errorResponses("NOT_FOUND") },
});

export const previewInvitationRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  return c.json(await previewInvitation({ ctx: c.get("ctx"), input: { token: c.req.valid("param").token } }), 200);
});
