import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { ApiError, validationFailed } from "@xr2/shared";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { errorResponses, jsonResponse } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { CONFLICT_POLICIES, importPrompts } from "../../../services/prompts/import-prompts.ts";
import { portableDocumentSchema, YAML_MEDIA_TYPES } from "./schemas.ts";
import { isYamlMediaType, MAX_YAML_TOKENS, parseYamlBody } from "./yaml-document.ts";

const yamlBody = { schema: z.string().openapi({ description: "The same document in YAML" }) };

const importedVersionSchema = z.object({ id: z.string(), version_number: z.number().int() });
const resultSchema = z
  .object({ slug: z.string(), outcome: z.enum(["created", "skipped", "versions_added"]), prompt_id: z.string(), versions: z.array(importedVersionSchema).openapi({ description: "The drafts this import created" }) })
  .openapi("ImportResult");

const route = createRoute({
  method: "post",
  path: "/api/prompts/import",
  tags: ["prompts"],
  summary: `Import a document of GET /api/prompts/export (JSON or YAML, at most 1 MB; YAML at most ${MAX_YAML_TOKENS} tokens) in one transaction; imported versions are always drafts`,
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.write")] as const,
  request: {
    query: z.object({
      on_conflict: z.enum(CONFLICT_POLICIES).default("skip").openapi({ description: "For a slug the workspace has: skip it, or add the document's versions after its own as drafts" }),
    }),
    // Not `required`: the generated JSON validator would then also claim YAML bodies. A missing
    // body is refused by the handler instead.
    body: { description: "Required", content: { "application/json": { schema: portableDocumentSchema }, ...Object.fromEntries(YAML_MEDIA_TYPES.map((type) => [type, yamlBody])) } },
  },
  responses: {
    200: jsonResponse("What happened to each prompt, in the document's order", z.object({ results: z.array(resultSchema) })),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE"),
  },
});

export const importPromptsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const contentType = c.req.header("content-type");
  if (contentType === undefined) throw new ApiError("VALIDATION_FAILED", "Send the document as application/json or application/yaml");
  let document: z.output<typeof portableDocumentSchema>;
  if (isYamlMediaType(contentType)) {
    const parsed = portableDocumentSchema.safeParse(parseYamlBody(await c.req.arrayBuffer()));
    if (!parsed.success) throw validationFailed(parsed.error.issues, "body");
    document = parsed.data;
  } else {
    document = c.req.valid("json");
  }
  const result = await importPrompts({
    ctx: c.get("ctx"),
    input: { workspaceId: c.get("workspace")!.id, actorUserId: c.get("user")!.id, document, onConflict: c.req.valid("query").on_conflict },
  });
  return c.json(result, 200);
});
