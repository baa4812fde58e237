import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { compareModels } from "../../services/llm/compare-models.ts";
import { LLM_LIMITS, promptRefShape, providerSchema, settingsShape, targetSchema, timeoutSchema, tokensSchema } from "./schemas.ts";

const resultSchema = z.object({
  provider: providerSchema,
  model: z.string(),
  ok: z.boolean(),
  output: z.string().nullable(),
  finish_reason: z.string().nullable(),
  tokens: tokensSchema,
  latency_ms: z.number(),
  cost_micros: z.number(),
  cost_usd: z.number(),
  priced: z.boolean(),
  usage_id: z.string(),
  error: z.object({ code: z.string(), error_code: z.string(), message: z.string() }).nullable(),
});

const route = createRoute({
  method: "post",
  path: "/api/llm/compare",
  tags: ["llm"],
  summary: `Run one version on up to ${LLM_LIMITS.compareTargets} provider/models concurrently, side by side`,
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("llm.run")] as const,
  request: {
    body: jsonBody(
      z.strictObject({
        ...promptRefShape,
        targets: z.array(targetSchema.extend(settingsShape)).min(1).max(LLM_LIMITS.compareTargets),
        ...settingsShape,
        timeout_ms: timeoutSchema,
      }),
    ),
  },
  responses: {
    200: jsonResponse("One result per target, in the order asked", z.object({ prompt_id: z.string(), version_id: z.string(), results: z.array(resultSchema) })),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "LLM_KEY_MISSING", "QUOTA_EXCEEDED"),
  },
});

export const compareRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const result = await compareModels({
    ctx: c.get("ctx"),
    input: {
      workspaceId: c.get("workspace")!.id,
      userId: c.get("user")!.id,
      promptId: body.prompt_id,
      versionId: body.version_id,
      variables: body.variables,
      targets: body.targets,
      settings: { temperature: body.temperature, max_tokens: body.max_tokens, top_p: body.top_p, stop: body.stop },
      timeoutMs: body.timeout_ms,
    },
  });
  return c.json(result, 200);
});
