/** DELETE /api/llm/workspace-keys/{provider} (Admins) and DELETE /api/llm/user-keys/{provider} (the caller's own key). */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { deleteProviderKey } from "../../services/llm/delete-provider-key.ts";
import { providerParam } from "./schemas.ts";

const workspaceRoute = createRoute({
  method: "delete",
  path: "/api/llm/workspace-keys/{provider}",
  tags: ["llm"],
  summary: "Delete the workspace's key for a provider (its usage history stays)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("llm_keys.manage")] as const,
  request: { params: providerParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

const userRoute = createRoute({
  method: "delete",
  path: "/api/llm/user-keys/{provider}",
  tags: ["llm"],
  summary: "Delete your own key for a provider",
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: providerParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses("UNAUTHENTICATED", "NOT_FOUND") },
});

export const deleteProviderKeyRoutes = new OpenAPIHono<ApiHono>()
  .openapi(workspaceRoute, async (c) => {
    const workspaceId = c.get("workspace")!.id;
    await deleteProviderKey({ ctx: c.get("ctx"), input: { owner: { kind: "workspace", workspaceId }, actorUserId: c.get("user")!.id, provider: c.req.valid("param").provider, auditWorkspaceId: workspaceId } });
    return c.body(null, 204);
  })
  .openapi(userRoute, async (c) => {
    const userId = c.get("user")!.id;
    await deleteProviderKey({ ctx: c.get("ctx"), input: { owner: { kind: "user", userId }, actorUserId: userId, provider: c.req.valid("param").provider, auditWorkspaceId: null } });
    return c.body(null, 204);
  });
