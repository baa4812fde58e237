import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { updateTag } from "../../services/tags/update-tag.ts";
import { tagColorSchema, tagDetailsSchema, tagIdParam, tagNameSchema } from "./schemas.ts";

const route = createRoute({
  method: "patch",
  path: "/api/tags/{tagId}",
  tags: ["tags"],
  summary: "Rename or recolour a tag",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.write")] as const,
  request: {
    params: tagIdParam,
    body: jsonBody(
      z
        .strictObject({ name: tagNameSchema.optional(), color: tagColorSchema.optional() })
        .refine((body) => body.name !== undefined || body.color !== undefined, "send at least one field to change"),
    ),
  },
  responses: { 200: jsonResponse("The updated tag", tagDetailsSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const updateTagRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const tag = await updateTag({
    ctx: c.get("ctx"),
    input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, tagId: c.req.valid("param").tagId, name: body.name, color: body.color?.toLowerCase() },
  });
  return c.json(tag, 200);
});
