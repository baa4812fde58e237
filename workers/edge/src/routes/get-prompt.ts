/**
 * GET /api/v1/get-prompt/{slug}: the hot path. API key by SHA-256 (isolate cache, KV, then the
 * API worker), the key's and workspace's rate limits checked while the published version loads
 * (isolate cache, KV, then the API worker, which back-fills KV), a sortable trace id, and the
 * exposure sent to the queue after the answer is on its way. Rendering arrives with the prompt
 * lifecycle.
 */
import { Hono } from "hono";
import * as z from "zod";
import { ApiError, describeError, ENVIRONMENTS, log, newId, type ExposureMessage } from "@xr2/shared";
import type { EdgeHono } from "../env.ts";
import { assertRateLimit } from "../services/assert-rate-limit.ts";
import { authenticateApiKey } from "../services/authenticate-api-key.ts";
import { loadPublishedPrompt } from "../services/load-published-prompt.ts";

const paramsSchema = z.object({ slug: z.string().regex(/^[a-z0-9][a-z0-9-_.]{0,127}$/i, "slug must be 1-128 letters, digits, '-', '_' or '.'") });
const querySchema = z.object({
  env: z.enum(ENVIRONMENTS).default("production"),
  source: z.string().max(64).optional(),
  format: z.enum(["json", "text"]).default("json"),
});

export const getPromptRoute = new Hono<EdgeHono>().get("/api/v1/get-prompt/:slug", async (c) => {
  const started = performance.now();
  const env = c.get("env");
  const params = paramsSchema.safeParse(c.req.param());
  if (!params.success) throw new ApiError("VALIDATION_FAILED", params.error.issues[0]?.message ?? "invalid slug");
  const query = querySchema.safeParse(c.req.query());
  if (!query.success) throw new ApiError("VALIDATION_FAILED", "Invalid query parameters", { details: query.error.issues });

  const key = await authenticateApiKey(env, c.req.header("authorization"), "prompts:read");
  if (key.environment !== null && key.environment !== query.data.env) {
    throw new ApiError("FORBIDDEN", `This API key is restricted to the ${key.environment} environment`);
  }
  c.set("workspaceId", key.workspace_id);

  // Redis and the prompt's lookup overlap; a refusal still wins over whatever the lookup found.
  const [limit, loaded] = await Promise.allSettled([
    assertRateLimit(c, { policies: ["getPromptPerKey", "getPromptPerWorkspace"], apiKey: key }),
    loadPublishedPrompt(env, { workspaceId: key.workspace_id, environment: query.data.env, slug: params.data.slug }),
  ]);
  if (limit.status === "rejected") throw limit.reason;
  if (loaded.status === "rejected") throw loaded.reason;
  const prompt = loaded.value;
  if (!prompt) throw new ApiError("NOT_FOUND", `No version of '${params.data.slug}' is published to ${query.data.env}`);

  const traceId = newId("trace");
  const exposure: ExposureMessage = {
    type: "exposure",
    trace_id: traceId,
    workspace_id: prompt.workspace_id,
    prompt_id: prompt.prompt_id,
    version_id: prompt.version_id,
    environment: prompt.environment,
    source: query.data.source ?? null,
    variant: null,
    unit_id: null,
    api_key_id: key.key_id,
    latency_ms: Math.round((performance.now() - started) * 100) / 100,
    served_at: new Date().toISOString(),
  };
  c.executionCtx.waitUntil(
    env.EVENTS_QUEUE.send(exposure).catch((error: unknown) =>
      log("error", "exposure not queued", { trace_id: traceId, error: describeError(error) }),
    ),
  );

  c.header("x-trace-id", traceId);
  if (query.data.format === "text") {
    const text = prompt.content ?? (prompt.messages ?? []).map((message) => `${message.role}: ${message.content}`).join("\n\n");
    return c.text(text);
  }
  return c.json({
    slug: prompt.slug,
    prompt_id: prompt.prompt_id,
    version_id: prompt.version_id,
    version: prompt.version,
    environment: prompt.environment,
    content: prompt.content,
    messages: prompt.messages,
    model_config: prompt.model_config,
    variables: prompt.variables,
    trace_id: traceId,
  });
});
