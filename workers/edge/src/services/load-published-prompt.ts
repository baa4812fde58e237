/**
 * The published version for (workspace, environment, slug): the isolate's cache, then KV, then
 * the API worker on a miss. "Not published" is cached as briefly as a version.
 */
import { kvKeys, publishedPromptSchema, type Environment, type PublishedPrompt } from "@xr2/shared";
import type { EdgeEnv } from "../env.ts";
import { dependency } from "./dependency.ts";
import { PROJECTION_CACHE, TtlCache } from "./ttl-cache.ts";

const recentPrompts = new TtlCache<PublishedPrompt | null>(PROJECTION_CACHE);

export async function loadPublishedPrompt(
  env: EdgeEnv,
  input: { workspaceId: string; environment: Environment; slug: string },
): Promise<PublishedPrompt | null> {
  const key = kvKeys.publishedPrompt(input.workspaceId, input.environment, input.slug);
  let prompt = recentPrompts.get(key);
  if (prompt === undefined) {
    prompt = await readPublishedPrompt(env, key, input);
    recentPrompts.set(key, prompt);
  }
  return prompt;
}

async function readPublishedPrompt(env: EdgeEnv, key: string, input: { workspaceId: string; environment: Environment; slug: string }): Promise<PublishedPrompt | null> {
  // An entry this code cannot read (written by another version of it) counts as a miss.
  const projected = publishedPromptSchema.safeParse(await dependency("KV", () => env.PROMPTS_KV.get(key, "json")));
  if (projected.success) return projected.data;
  return dependency("the API worker", () => env.API.resolvePrompt(input));
}
