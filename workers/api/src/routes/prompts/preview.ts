import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { promptReference } from "../../middleware/prompt-reference.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { variableValuesSchema } from "@xr2/shared";
import { previewPrompt } from "../../services/prompts/preview-prompt.ts";
import { promptIdParam } from "./schemas.ts";
import { environmentSchema } from "./lifecycle/schemas.ts";
import { contentSchema, messagesSchema, variablesSchema } from "./versions/schemas.ts";

const valueSchema = z.union([z.string(), z.number(), z.boolean()]);
/** One template problem (workers/shared/src/template): where it is, and in which message of a chat. */
const templateProblemSchema = z.object({
  code: z.string(),
  message: z.string(),
  variable: z.string().optional(),
  position: z.object({ offset: z.number().int(), line: z.number().int(), column: z.number().int() }).optional().openapi({ description: "Its first use: 0-based offset, 1-based line and column" }),
  message_index: z.number().int().optional().openapi({ description: "The chat message it is in" }),
});

const route = createRoute({
  method: "post",
  path: "/api/prompts/{promptId}/preview",
  tags: ["prompts"],
  summary: "Render a version, or unsaved editor content, with sample values; template problems come back listed",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read"), promptReference] as const,
  request: {
    params: promptIdParam,
    body: jsonBody(
      z
        .strictObject({
          version_id: z.string().max(64).optional(),
          content: contentSchema.optional(),
          messages: messagesSchema.optional(),
          variables: variablesSchema.optional(),
          // The same sample values get-prompt accepts.
          values: variableValuesSchema.default({}),
          environment: environmentSchema.optional().openapi({ description: "Snippets ({% include %}) are inlined as this environment serves them; production by default" }),
        })
        .refine((body) => [body.version_id, body.content, body.messages].filter((part) => part !== undefined).length === 1, "send exactly one of version_id, content or messages"),
    ),
  },
  responses: {
    200: jsonResponse(
      "The rendered text or messages, or the template's problems",
      z.union([
        z.object({
          ok: z.literal(true),
          content: z.string().nullable(),
          messages: z.array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() })).nullable(),
          values: z.record(z.string(), valueSchema),
          variables_used: z.array(z.string()),
          environment: environmentSchema.optional().openapi({ description: "Present when the text includes snippets: the environment their text was read from" }),
          includes: z.array(z.object({ slug: z.string(), version: z.number().int() })).optional().openapi({ description: "Present when the text includes snippets: the snippet versions inlined" }),
        }),
        z.object({ ok: z.literal(false), errors: z.array(templateProblemSchema), variables_used: z.array(z.string()) }),
      ]),
    ),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"),
  },
});

export const previewPromptRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const result = await previewPrompt({
    ctx: c.get("ctx"),
    input: { workspaceId: c.get("workspace")!.id, promptId: c.req.valid("param").promptId, versionId: body.version_id, content: body.content, messages: body.messages, variables: body.variables, values: body.values, environment: body.environment },
  });
  return c.json(result, 200);
});
