import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { errorResponses } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { exportPrompts, MAX_PORTABLE_PROMPTS } from "../../../services/prompts/export-prompts.ts";
import { portableDocumentSchema } from "./schemas.ts";
import { documentToYaml } from "./yaml-document.ts";

const query = z.object({
  format: z.enum(["json", "yaml"]).default("json"),
  prompt_ids: z
    .string()
    .max(MAX_PORTABLE_PROMPTS * 65)
    .regex(/^[A-Za-z0-9_]{1,64}(,[A-Za-z0-9_]{1,64})*$/, "a comma-separated list of prompt ids")
    .refine((ids) => ids.split(",").length <= MAX_PORTABLE_PROMPTS, `at most ${MAX_PORTABLE_PROMPTS} prompt ids`)
    .optional()
    .openapi({ description: `Comma-separated prompt ids (archived ones too), at most ${MAX_PORTABLE_PROMPTS}; default: every active prompt` }),
});

const route = createRoute({
  method: "get",
  path: "/api/prompts/export",
  tags: ["prompts"],
  summary: "Download prompts with all their versions and tags as a portable JSON or YAML file (no ids), for POST /api/prompts/import",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read")] as const,
  request: { query },
  responses: {
    200: {
      description: "The document, as an attachment",
      content: { "application/json": { schema: portableDocumentSchema }, "application/yaml": { schema: z.string().openapi({ description: "The same document in YAML" }) } },
    },
    ...errorResponses("UNAUTHENTICATED", "NOT_FOUND"),
  },
});

export const exportPromptsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const { format, prompt_ids: promptIds } = c.req.valid("query");
  const document = await exportPrompts({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, promptIds: promptIds === undefined ? undefined : [...new Set(promptIds.split(","))] } });
  c.header("Content-Disposition", `attachment; filename="xr2-prompts-${document.exported_at!.slice(0, 10)}.${format}"`);
  if (format === "yaml") return c.body(await documentToYaml(document), 200, { "Content-Type": "application/yaml; charset=utf-8" });
  return c.json(document, 200);
});
