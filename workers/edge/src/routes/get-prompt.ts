/**
 * GET|POST /api/v1/get-prompt/{slug}: the hot path. API key by SHA-256 (isolate cache, KV, then
 * the API worker), the key's and workspace's rate limits checked while the published version
 * loads (isolate cache, KV, then the API worker, which back-fills KV), rendering with the
 * caller's values (`var.<name>=` query parameters, or `{variables: {...}}` in a POST body), a
 * sortable trace id, and the exposure handed to the isolate's exposure buffer, which queues it
 * after the answer is on its way — also for answers refused because of the values, so error
 * rates show in the stats. The exposure keeps the values rendered with (when small), for the
 * trace explorer. While an experiment runs, `unit_id` picks the variant served
 * (chooseVersion in workers/shared/src/assignment.ts); the answer and the exposure name it.
 */
import { Hono, type Context } from "hono";
import {
  ApiError,
  chooseVersion,
  type ChosenVersion,
  getPromptBodySchema,
  getPromptQuerySchema,
  keptExposureValues,
  limitBodySize,
  newId,
  PRODUCT_API_LIMITS,
  requireJsonBody,
  slugSchema,
  variableValuesSchema,
  type Exposure,
  type GetPromptResponse,
  type PublishedPrompt,
  type ServedVersion,
  validationFailed,
} from "@xr2/shared";
import type { EdgeHono } from "../env.ts";
import { assertRateLimit } from "../services/assert-rate-limit.ts";
import { bufferExposure } from "../services/exposure-buffer.ts";
import { authenticateApiKey } from "../services/authenticate-api-key.ts";
import { loadPublishedPrompt } from "../services/load-published-prompt.ts";
import { renderPrompt } from "../services/render-prompt.ts";

const VARIABLE_PREFIX = "var.";

async function getPrompt(c: Context<EdgeHono>, readValues: () => Promise<Record<string, string | number | boolean>>): Promise<Response> {
  const started = performance.now();
  const env = c.get("env");
  const slug = slugSchema.safeParse(c.req.param("slug"));
  if (!slug.success) throw new ApiError("VALIDATION_FAILED", slug.error.issues[0]?.message ?? "invalid slug");
  const query = getPromptQuerySchema.safeParse(c.req.query());
  if (!query.success) throw validationFailed(query.error.issues, "query");

  const key = await authenticateApiKey(env, c.req.header("authorization"), "prompts:read");
  const raw = await readValues();
  if (key.environment !== null && key.environment !== query.data.env) {
    throw new ApiError("FORBIDDEN", `This API key is restricted to the ${key.environment} environment`);
  }
  c.set("workspaceId", key.workspace_id);

  // Redis and the prompt's lookup overlap; a refusal still wins over whatever the lookup found.
  const [limit, loaded] = await Promise.allSettled([
    assertRateLimit(c, { policies: ["getPromptPerKey", "getPromptPerWorkspace"], quota: "getPromptPerMonth", apiKey: key }),
    loadPublishedPrompt(env, { workspaceId: key.workspace_id, environment: query.data.env, slug: slug.data }),
  ]);
  if (limit.status === "rejected") throw limit.reason;
  if (loaded.status === "rejected") throw loaded.reason;
  const prompt = loaded.value;
  if (!prompt) throw new ApiError("NOT_FOUND", `No version of '${slug.data}' is published to ${query.data.env}`);

  const chosen = chooseVersion(prompt, query.data.unit_id);
  const traceId = newId("trace");
  c.set("traceId", traceId);
  const expose = (status: "success" | "error", errorCode: string | null, values: Record<string, string | number | boolean>) => {
    const exposure: Exposure = {
      trace_id: traceId,
      workspace_id: prompt.workspace_id,
      prompt_id: prompt.prompt_id,
      version_id: chosen.version.version_id,
      environment: prompt.environment,
      source: query.data.source ?? null,
      variant: chosen.variant,
      experiment_id: chosen.experimentId,
      unit_id: query.data.unit_id ?? null,
      api_key_id: key.key_id,
      latency_ms: Math.round((performance.now() - started) * 100) / 100,
      served_at: new Date().toISOString(),
      status,
      error_code: errorCode,
      variables: keptExposureValues(values),
    };
    bufferExposure({ queue: env.EVENTS_QUEUE, waitUntil: (promise) => c.executionCtx.waitUntil(promise) }, exposure);
  };

  let rendered: ReturnType<typeof renderPrompt>;
  try {
    rendered = renderPrompt(chosen.version, raw, prompt.published_at);
  } catch (error) {
    expose("error", error instanceof ApiError ? error.code : "INTERNAL", raw);
    throw error;
  }
  expose("success", null, rendered.values);

  c.header("x-trace-id", traceId);
  if (query.data.format === "text") return c.text(rendered.content ?? asText(rendered.messages ?? []));
  return c.json(answer(prompt, chosen, rendered, traceId));
}

function answer(prompt: PublishedPrompt, chosen: ChosenVersion<ServedVersion>, rendered: ReturnType<typeof renderPrompt>, traceId: string): GetPromptResponse {
  return {
    slug: prompt.slug,
    prompt_id: prompt.prompt_id,
    version_id: chosen.version.version_id,
    version: chosen.version.version,
    environment: prompt.environment,
    content: rendered.content,
    messages: rendered.messages,
    model_config: chosen.version.model_config,
    variables: rendered.values,
    trace_id: traceId,
    ...(chosen.variant === null ? {} : { variant: chosen.variant }),
  };
}

function asText(messages: Array<{ role: string; content: string }>): string {
  return messages.map((message) => `${message.role}: ${message.content}`).join("\n\n");
}

/** `var.<name>=value` query parameters; the last one wins when a name repeats. */
async function valuesFromQuery(c: Context<EdgeHono>): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const [name, value] of new URL(c.req.url).searchParams) if (name.startsWith(VARIABLE_PREFIX)) values[name.slice(VARIABLE_PREFIX.length)] = value;
  return parseValues(values);
}

async function valuesFromBody(c: Context<EdgeHono>): Promise<Record<string, string | number | boolean>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ApiError("BAD_REQUEST", "The body must be JSON: {\"variables\": {\"name\": \"value\"}}");
  }
  const parsed = getPromptBodySchema.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error.issues, "body");
  return parsed.data.variables;
}

function parseValues(values: Record<string, string>): Record<string, string> {
  const parsed = variableValuesSchema.safeParse(values);
  if (!parsed.success) throw validationFailed(parsed.error.issues.map((issue) => ({ ...issue, path: ["variables", ...issue.path] })), "query");
  return parsed.data as Record<string, string>;
}

export const getPromptRoute = new Hono<EdgeHono>()
  .get("/api/v1/get-prompt/:slug", (c) => getPrompt(c, () => valuesFromQuery(c)))
  .post("/api/v1/get-prompt/:slug", limitBodySize(PRODUCT_API_LIMITS.postBodyBytes), requireJsonBody(), (c) => getPrompt(c, () => valuesFromBody(c)));
