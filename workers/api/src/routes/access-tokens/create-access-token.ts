import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { ACCESS_TOKEN_SCOPES, requirePermission } from "../../permissions.ts";
import { createAccessToken } from "../../services/access-tokens/create-access-token.ts";
import { accessTokenScopeSchema, createdAccessTokenSchema } from "./schemas.ts";

/** A pipeline's token should be rotated at least yearly; a token for ever is what leaks. */
const MAX_TOKEN_LIFETIME_MS = 366 * 24 * 60 * 60 * 1000;

const bodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(accessTokenScopeSchema)
    .min(1)
    .max(ACCESS_TOKEN_SCOPES.length)
    .refine((scopes) => new Set(scopes).size === scopes.length, "scopes must not repeat")
    .openapi({ description: "What the token may do, within your role: prompts:read, prompts:write, prompts:publish, analytics:read" }),
  expires_at: z.iso
    .datetime({ offset: true })
    .refine((value) => Date.parse(value) > Date.now(), "expires_at must be in the future")
    .refine((value) => Date.parse(value) <= Date.now() + MAX_TOKEN_LIFETIME_MS, "expires_at must be within a year")
    .nullable()
    .optional()
    .openapi({ description: "null or absent: the token does not expire (revoke it when unused)" }),
});

const route = createRoute({
  method: "post",
  path: "/api/access-tokens",
  tags: ["access-tokens"],
  summary: "Create an access token for the CLI, CI or an MCP client, acting as you in this workspace; the token is shown only in this answer",
  description: "Signed-in members only (an access token cannot create tokens). Scopes your role does not have answer 403.",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("access_tokens.own")] as const,
  request: { body: jsonBody(bodySchema) },
  responses: { 201: jsonResponse("The new token, with the token itself", createdAccessTokenSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const createAccessTokenRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const user = c.get("user")!;
  const created = await createAccessToken({
    ctx: c.get("ctx"),
    input: {
      workspaceId: c.get("workspace")!.id,
      actor: { id: user.id, name: user.name, email: user.email, role: c.get("workspace")!.role },
      name: body.name,
      scopes: body.scopes,
      expiresAt: body.expires_at ? new Date(body.expires_at) : null,
    },
  });
  return c.json(created, 201);
});
