import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { createTag } from "../../services/tags/create-tag.ts";
import { tagColorSchema, tagDetailsSchema, tagNameSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/tags",
  tags: ["tags"],
  summary: "Create a tag (name unique in the workspace; a colour is picked when none is given)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.write")] as const,
  request: { body: jsonBody(z.strictObject({ name: tagNameSchema, color: tagColorSchema.optional() })) },
  responses: { 201: jsonResponse("The new tag", tagDetailsSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const createTagRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const tag = await createTag({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, name: body.name, color: body.color?.toLowerCase() } });
  return c.json(tag, 201);
});
