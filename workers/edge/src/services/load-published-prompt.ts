/** The published version for (workspace, environment, slug): KV first, the API worker on a miss. */
import { kvKeys, publishedPromptSchema, type Environment, type PublishedPrompt } from "@xr2/shared";
import type { EdgeEnv } from "../env.ts";

export async function loadPublishedPrompt(
  env: EdgeEnv,
  input: { workspaceId: string; environment: Environment; slug: string },
): Promise<PublishedPrompt | null> {
  const cached = await env.PROMPTS_KV.get(kvKeys.publishedPrompt(input.workspaceId, input.environment, input.slug), "json");
  if (cached !== null) return publishedPromptSchema.parse(cached);
  return env.API.resolvePrompt(input);
}
