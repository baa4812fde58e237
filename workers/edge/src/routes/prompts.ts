/**
 * GET /api/v1/prompts/{slug} and GET /api/v1/prompts (D2): what the SDKs cache and render
 * themselves. One prompt, or every prompt a workspace serves in an environment (the bundle an
 * app can also ship in its build), unrendered: the served version's template, variables and
 * model config, and the running experiment's variants with theirs, so that an SDK assigns and
 * renders exactly as get-prompt does. Each answer carries a strong ETag; `If-None-Match` with it
 * answers 304 without a body, so polling an unchanged prompt costs a few bytes.
 *
 * Same key scope (`prompts:read`), environment restriction and rate limits as get-prompt. One
 * prompt is read like get-prompt reads it (isolate cache, KV, the API worker); the bundle comes
 * from Postgres through the API worker (KV's listing lags behind its writes), remembered in the
 * isolate as briefly as a projection, and is refused past SDK_LIMITS.bundleBytes.
 */
import { Hono, type Context } from "hono";
import {
  ApiError,
  promptBundleQuerySchema,
  promptDocumentQuerySchema,
  SDK_LIMITS,
  slugSchema,
  type ApiKeyRecord,
  type Environment,
  type PromptBundle,
  type PromptDocument,
  type PublishedPrompt,
  validationFailed,
} from "@xr2/shared";
import type { EdgeHono } from "../env.ts";
import { assertRateLimit } from "../services/assert-rate-limit.ts";
import { authenticateApiKey } from "../services/authenticate-api-key.ts";
import { dependency } from "../services/dependency.ts";
import { etagOf, matchesIfNoneMatch } from "../services/etag.ts";
import { loadPublishedPrompt } from "../services/load-published-prompt.ts";
import { PROJECTION_CACHE, TtlCache } from "../services/ttl-cache.ts";

const encoder = new TextEncoder();

/** A published prompt as SDKs receive it: everything but the workspace, which the key names. */
export function promptDocument(prompt: PublishedPrompt): PromptDocument {
  const { workspace_id: _workspace, experiment, ...document } = prompt;
  return { ...document, experiment: experiment ?? null };
}

/** The serialized answer and its tag, computed once per projection the isolate holds. */
const serialized = new WeakMap<object, { body: string; etag: string }>();

function serialize(source: object, build: () => unknown): { body: string; etag: string } {
  let entry = serialized.get(source);
  if (!entry) {
    const body = JSON.stringify(build());
    entry = { body, etag: etagOf(body) };
    serialized.set(source, entry);
  }
  return entry;
}

function answer(c: Context<EdgeHono>, entry: { body: string; etag: string }): Response {
  const headers = { etag: entry.etag, "cache-control": "private, no-cache" };
  if (matchesIfNoneMatch(c.req.header("if-none-match"), entry.etag)) return c.body(null, 304, headers);
  return c.body(entry.body, 200, { ...headers, "content-type": "application/json; charset=UTF-8" });
}

async function admit(c: Context<EdgeHono>, environment: Environment): Promise<ApiKeyRecord> {
  const key = await authenticateApiKey(c.get("env"), c.req.header("authorization"), "prompts:read");
  if (key.environment !== null && key.environment !== environment) {
    throw new ApiError("FORBIDDEN", `This API key is restricted to the ${key.environment} environment`);
  }
  c.set("workspaceId", key.workspace_id);
  return key;
}

async function getPromptDocument(c: Context<EdgeHono>): Promise<Response> {
  const slug = slugSchema.safeParse(c.req.param("slug"));
  if (!slug.success) throw new ApiError("VALIDATION_FAILED", slug.error.issues[0]?.message ?? "invalid slug");
  const query = promptDocumentQuerySchema.safeParse(c.req.query());
  if (!query.success) throw validationFailed(query.error.issues, "query");
  const key = await admit(c, query.data.env);

  const [limit, loaded] = await Promise.allSettled([
    assertRateLimit(c, { policies: ["getPromptPerKey", "getPromptPerWorkspace"], quota: "getPromptPerMonth", apiKey: key }),
    loadPublishedPrompt(c.get("env"), { workspaceId: key.workspace_id, environment: query.data.env, slug: slug.data }),
  ]);
  if (limit.status === "rejected") throw limit.reason;
  if (loaded.status === "rejected") throw loaded.reason;
  const prompt = loaded.value;
  if (!prompt) throw new ApiError("NOT_FOUND", `No version of '${slug.data}' is published to ${query.data.env}`);
  return answer(c, serialize(prompt, () => promptDocument(prompt)));
}

const recentBundles = new TtlCache<{ prompts: PublishedPrompt[] }>({ ttlMs: PROJECTION_CACHE.ttlMs, maxEntries: 100 });
/** 100 cached bundles of at most 256 KiB: 25 MiB of the isolate's 128 MiB at worst. */
const CACHED_BUNDLE_BYTES = 256 * 1024;

async function getPromptBundle(c: Context<EdgeHono>): Promise<Response> {
  const slugs = c.req.queries("slug");
  const query = promptBundleQuerySchema.safeParse({ ...c.req.query(), ...(slugs ? { slug: slugs } : {}) });
  if (!query.success) throw validationFailed(query.error.issues, "query");
  const environment = query.data.env;
  const wanted = query.data.slug === undefined ? undefined : [...new Set(query.data.slug)].sort();
  const key = await admit(c, environment);

  await assertRateLimit(c, { policies: ["getPromptPerKey", "getPromptPerWorkspace"], quota: "getPromptPerMonth", apiKey: key });
  const cacheKey = `${key.workspace_id}:${environment}:${wanted?.join(",") ?? "*"}`;
  const tooLarge = (prompts: number, bytes: number) =>
    new ApiError(
      "RESPONSE_TOO_LARGE",
      `The ${environment} bundle holds ${prompts} prompts in about ${bytes} bytes; at most ${SDK_LIMITS.bundleBytes} are served at once. Ask for fewer with slug= filters, or fetch prompts one by one with GET /api/v1/prompts/{slug}`,
    );
  let bundle = recentBundles.get(cacheKey);
  if (!bundle) {
    const loaded = await dependency("the API worker", () => c.get("env").API.resolveBundle({ workspaceId: key.workspace_id, environment, slugs: wanted }));
    if (loaded.too_large) throw tooLarge(loaded.too_large.prompts, loaded.too_large.bytes);
    bundle = { prompts: loaded.prompts };
  }
  const source = bundle;
  const entry = serialize(source, (): PromptBundle => ({ environment, prompts: source.prompts.map(promptDocument) }));
  const bytes = encoder.encode(entry.body).length;
  if (bytes > SDK_LIMITS.bundleBytes) throw tooLarge(source.prompts.length, bytes);
  // Small bundles are kept for the next requests; a large one is not held in the isolate's memory.
  if (bytes <= CACHED_BUNDLE_BYTES) recentBundles.set(cacheKey, source);
  return answer(c, entry);
}

export const promptsRoute = new Hono<EdgeHono>().get("/api/v1/prompts", getPromptBundle).get("/api/v1/prompts/:slug", getPromptDocument);
