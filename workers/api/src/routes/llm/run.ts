/**
 * POST /api/llm/run: the playground (L2) with failover (L4). Streams Server-Sent Events by
 * default; `stream: false` answers one JSON object. Anything that fails before the first token
 * (validation, no key, quota, every target failing) is an ordinary JSON error; once the stream
 * has started, a failure is an `error` event.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { ProviderError } from "../../services/llm/providers/provider-client.ts";
import { startRun, type LiveRun, type RunSummary } from "../../services/llm/run-prompt.ts";
import { failedAttemptSchema, LLM_LIMITS, modelSchema, promptRefShape, providerSchema, settingsShape, targetSchema, timeoutSchema, tokensSchema } from "./schemas.ts";

const summarySchema = z
  .object({
    usage_id: z.string(),
    provider: providerSchema,
    model: z.string(),
    fallback_from: providerSchema.nullable().openapi({ description: "The provider that failed just before this one answered" }),
    finish_reason: z.string().nullable(),
    tokens: tokensSchema,
    latency_ms: z.number(),
    first_token_ms: z.number(),
    cost_micros: z.number(),
    cost_usd: z.number(),
    priced: z.boolean(),
    failed_attempts: z.array(failedAttemptSchema),
  })
  .openapi("LlmRunSummary");

const route = createRoute({
  method: "post",
  path: "/api/llm/run",
  tags: ["llm"],
  summary: "Run a prompt version with variables on a provider/model, streamed (SSE), with optional failover",
  description: [
    "SSE events (`text/event-stream`), each `data` a JSON object:",
    "- `start` `{provider, model, fallback_from, failed_attempts}`: who answers, after which failed attempts;",
    "- `delta` `{text}`: the next piece of the output;",
    "- `done`: the summary (usage_id, tokens {input, output, cached_input}, latency_ms, first_token_ms, cost_micros, cost_usd, priced, finish_reason, failed_attempts);",
    "- `error` `{code, message, provider, model, error_code}`: the stream failed after it started (the attempt is recorded as an error).",
    "With `stream: false` the answer is the summary plus `output`. Fallbacks are tried on timeouts, 5xx and 429 before the first token, never on other 4xx.",
  ].join("\n"),
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("llm.run")] as const,
  request: {
    body: jsonBody(
      z.strictObject({
        ...promptRefShape,
        provider: providerSchema.optional().openapi({ description: "Default: the version's model_config.provider" }),
        model: modelSchema.optional().openapi({ description: "Default: the version's model_config.model" }),
        ...settingsShape,
        fallbacks: z.array(targetSchema).max(LLM_LIMITS.fallbacks).default([]),
        timeout_ms: timeoutSchema,
        stream: z.boolean().default(true),
      }),
    ),
  },
  responses: {
    200: {
      description: "The stream (text/event-stream), or with stream: false the JSON summary and output",
      content: { "text/event-stream": { schema: z.string() }, "application/json": { schema: summarySchema.extend({ output: z.string() }) } },
    },
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "LLM_KEY_MISSING", "QUOTA_EXCEEDED", "PROVIDER_FAILED", "PROVIDER_TIMEOUT"),
  },
});

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

function eventStream(run: LiveRun, requestId: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const text = run.text();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(sse("start", { provider: run.provider, model: run.model, fallback_from: run.fallbackFrom, failed_attempts: run.failedAttempts })));
    },
    async pull(controller) {
      try {
        const next = await text.next();
        if (next.done) {
          controller.enqueue(encoder.encode(sse("done", next.value)));
          controller.close();
        } else controller.enqueue(encoder.encode(sse("delta", { text: next.value })));
      } catch (error) {
        const failure = error instanceof ProviderError ? error : undefined;
        controller.enqueue(
          encoder.encode(
            sse("error", {
              code: failure?.toApiError().code ?? "INTERNAL",
              message: failure?.message ?? "The run failed",
              provider: run.provider,
              model: run.model,
              error_code: failure?.code ?? "internal",
              request_id: requestId,
            }),
          ),
        );
        controller.close();
      }
    },
    async cancel() {
      await text.return(undefined as unknown as RunSummary);
    },
  });
}

export const runRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const run = await startRun({
    ctx: c.get("ctx"),
    input: {
      workspaceId: c.get("workspace")!.id,
      userId: c.get("user")!.id,
      promptId: body.prompt_id,
      versionId: body.version_id,
      variables: body.variables,
      target: { ...(body.provider ? { provider: body.provider } : {}), ...(body.model ? { model: body.model } : {}) },
      fallbacks: body.fallbacks,
      settings: { temperature: body.temperature, max_tokens: body.max_tokens, top_p: body.top_p, stop: body.stop },
      timeoutMs: body.timeout_ms,
    },
  });
  if (!body.stream) {
    const text = run.text();
    let output = "";
    for (;;) {
      let next: IteratorResult<string, RunSummary>;
      try {
        next = await text.next();
      } catch (error) {
        throw error instanceof ProviderError ? error.toApiError() : error;
      }
      if (next.done) return c.json({ ...next.value, output }, 200);
      output += next.value;
    }
  }
  return new Response(eventStream(run, c.get("requestId")), {
    status: 200,
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", "X-Accel-Buffering": "no", "X-Request-Id": c.get("requestId") },
  });
});
