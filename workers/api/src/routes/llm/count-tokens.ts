import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { countTokens } from "../../services/llm/count-tokens.ts";
import { DEFAULT_MAX_TOKENS, renderForRun, settingsFor } from "../../services/llm/prepare-run.ts";
import { chatMessageSchema, LLM_LIMITS, modelSchema, providerSchema, variablesSchema } from "./schemas.ts";

const body = z
  .strictObject({
    provider: providerSchema,
    model: modelSchema,
    text: z.string().max(LLM_LIMITS.textChars).optional(),
    messages: z.array(chatMessageSchema).min(1).max(LLM_LIMITS.messages).optional(),
    prompt_id: z.string().min(1).max(64).optional(),
    version_id: z.string().min(1).max(64).optional(),
    variables: variablesSchema.optional(),
    max_tokens: z.number().int().min(1).max(LLM_LIMITS.maxTokens).optional().openapi({ description: "For the output cost estimate; default the version's max_tokens, else 1024" }),
  })
  .refine((value) => [value.text !== undefined, value.messages !== undefined, value.prompt_id !== undefined].filter(Boolean).length === 1, "send exactly one of text, messages, or prompt_id with version_id")
  .refine((value) => (value.prompt_id === undefined) === (value.version_id === undefined), "prompt_id and version_id go together")
  .refine((value) => value.variables === undefined || value.prompt_id !== undefined, "variables go with prompt_id and version_id");

const route = createRoute({
  method: "post",
  path: "/api/llm/count-tokens",
  tags: ["llm"],
  summary: "Count input tokens (text, chat messages, or a rendered prompt version) and estimate the cost before running",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("llm.read")] as const,
  request: { body: jsonBody(body) },
  responses: {
    200: jsonResponse(
      "The count and the cost estimate",
      z.object({
        provider: providerSchema,
        model: z.string(),
        input_tokens: z.number().int(),
        exact: z.boolean().openapi({ description: "True only when the count is the model's own: tiktoken for OpenAI models of a known encoding, Gemini's countTokens. Anthropic's count_tokens is documented as an estimate, so false" }),
        method: z.enum(["tiktoken", "provider", "estimate"]),
        encoding: z.string().nullable(),
        message_overhead_tokens: z.number().int(),
        note: z.string(),
        max_output_tokens: z.number().int(),
        cost_estimate: z.object({
          priced: z.boolean(),
          input_micros: z.number(),
          output_micros_at_max_tokens: z.number(),
          total_micros_at_max_tokens: z.number(),
          input_usd: z.number(),
          total_usd_at_max_tokens: z.number(),
        }),
      }),
    ),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BUDGET_EXCEEDED"),
  },
});

export const countTokensRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const request = c.req.valid("json");
  const ctx = c.get("ctx");
  const workspaceId = c.get("workspace")!.id;
  let messages = request.messages;
  let maxTokens = request.max_tokens ?? DEFAULT_MAX_TOKENS;
  if (request.prompt_id !== undefined && request.version_id !== undefined) {
    const rendered = await renderForRun(ctx, { workspaceId, promptId: request.prompt_id, versionId: request.version_id, variables: request.variables ?? {} });
    messages = [...(rendered.system ? [{ role: "system" as const, content: rendered.system }] : []), ...rendered.messages];
    maxTokens = settingsFor(rendered.modelConfig, { max_tokens: request.max_tokens }).maxTokens;
  }
  const counted = await countTokens({ ctx, input: { workspaceId, userId: c.get("user")!.id, provider: request.provider, model: request.model, text: request.text, messages, maxTokens } });
  return c.json(counted, 200);
});
