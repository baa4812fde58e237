/** PUT /api/llm/workspace-keys/{provider} (Admins) and PUT /api/llm/user-keys/{provider} (the caller's own key). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { saveProviderKey } from "../../services/llm/save-provider-key.ts";
import { apiKeySchema, providerKeySchema, providerParam } from "./schemas.ts";

const body = jsonBody(z.strictObject({ api_key: apiKeySchema.openapi({ description: "Encrypted at rest; never returned" }) }));

const workspaceRoute = createRoute({
  method: "put",
  path: "/api/llm/workspace-keys/{provider}",
  tags: ["llm"],
  summary: "Save (or replace) the workspace's key for a provider; its members' runs use it when they have no key of their own",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("llm_keys.manage")] as const,
  request: { params: providerParam, body },
  responses: { 200: jsonResponse("The saved key (suffix only)", providerKeySchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

const userRoute = createRoute({
  method: "put",
  path: "/api/llm/user-keys/{provider}",
  tags: ["llm"],
  summary: "Save (or replace) your own key for a provider; your runs in every workspace use it first",
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: providerParam, body },
  responses: { 200: jsonResponse("The saved key (suffix only)", providerKeySchema), ...errorResponses("UNAUTHENTICATED") },
});

export const saveProviderKeyRoutes = new OpenAPIHono<ApiHono>()
  .openapi(workspaceRoute, async (c) => {
    const workspaceId = c.get("workspace")!.id;
    const saved = await saveProviderKey({
      ctx: c.get("ctx"),
      input: { owner: { kind: "workspace", workspaceId }, actorUserId: c.get("user")!.id, provider: c.req.valid("param").provider, apiKey: c.req.valid("json").api_key, auditWorkspaceId: workspaceId },
    });
    return c.json(saved, 200);
  })
  .openapi(userRoute, async (c) => {
    const userId = c.get("user")!.id;
    const saved = await saveProviderKey({
      ctx: c.get("ctx"),
      input: { owner: { kind: "user", userId }, actorUserId: userId, provider: c.req.valid("param").provider, apiKey: c.req.valid("json").api_key, auditWorkspaceId: null },
    });
    return c.json(saved, 200);
  });
