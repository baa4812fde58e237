import { ApiError } from "@xr2/shared";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { errorResponses } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { exportPrompts, MAX_PORTABLE_PROMPTS } from "../../../services/prompts/export-prompts.ts";
import { portableDocumentSchema } from "./schemas.ts";
import { MAX_BODY_BYTES } from "../../../body-limit.ts";
import { assertImportableYaml, documentToYaml } from "./yaml-document.ts";

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
  const text = format === "yaml" ? await documentToYaml(document) : JSON.stringify(document);
  // The raw bytes of the versions are capped before they are read (MAX_EXPORT_BODY_BYTES); the
  // document adds keys, quoting and escapes to them, so its own size is checked too: an export
  // must fit in the body of one import.
  const bytes = new TextEncoder().encode(text).byteLength;
  if (bytes > MAX_BODY_BYTES) {
    throw new ApiError(
      "VALIDATION_FAILED",
      `This export is ${bytes} bytes as ${format.toUpperCase()}, more than one import takes (${MAX_BODY_BYTES} bytes): export fewer prompts at a time with prompt_ids${format === "yaml" ? ", or as format=json (smaller)" : ""}`,
    );
  }
  if (format === "yaml") await assertImportableYaml(text);
  c.header("Content-Disposition", `attachment; filename="xr2-prompts-${document.exported_at!.slice(0, 10)}.${format}"`);
  return c.body(text, 200, { "Content-Type": format === "yaml" ? "application/yaml; charset=utf-8" : "application/json" });
});
