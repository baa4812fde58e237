import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { listProviderKeys } from "../../services/llm/list-provider-keys.ts";
import { providerKeySchema } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/api/llm/keys",
  tags: ["llm"],
  summary: "The workspace's provider keys and the caller's own (suffix and last use only; a key is never shown after saving)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("llm.read")] as const,
  responses: {
    200: jsonResponse("Keys by scope", z.object({ workspace_keys: z.array(providerKeySchema), user_keys: z.array(providerKeySchema) })),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"),
  },
});

export const listProviderKeysRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) =>
  c.json(await listProviderKeys({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, userId: c.get("user")!.id } }), 200),
);
