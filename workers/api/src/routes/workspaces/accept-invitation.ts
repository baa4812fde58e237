import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { acceptInvitation } from "../../services/workspaces/accept-invitation.ts";
import { roleSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/workspaces/invitations/accept",
  tags: ["workspaces"],
  summary: "Join a workspace with an invitation token (signed in as the invited address, verified)",
  description: "403 FORBIDDEN when the invitation is for another address, or when the caller's address is not verified yet (verify it first: POST /api/auth/verify-email).",
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { body: jsonBody(z.strictObject({ invite_token: z.string().min(1).max(200) })) },
  responses: {
    200: jsonResponse("The workspace joined", z.object({ workspace_id: z.string(), name: z.string(), role: roleSchema })),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT"),
  },
});

export const acceptInvitationRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const user = c.get("user")!;
  return c.json(await acceptInvitation({ ctx: c.get("ctx"), input: { token: c.req.valid("json").invite_token, user } }), 200);
});
