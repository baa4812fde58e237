/** The published version for (workspace, environment, slug): KV first, the API worker on a miss. */
import { kvKeys, publishedPromptSchema, type Environment, type PublishedPrompt } from "@xr2/shared";
import type { EdgeEnv } from "../env.ts";
import { dependency } from "./dependency.ts";

export async function loadPublishedPrompt(
  env: EdgeEnv,
  input: { workspaceId: string; environment: Environment; slug: string },
): Promise<PublishedPrompt | null> {
  const key = kvKeys.publishedPrompt(input.workspaceId, input.environment, input.slug);
  // An entry this code cannot read (written by another version of it) counts as a miss.
  const cached = publishedPromptSchema.safeParse(await dependency("KV", () => env.PROMPTS_KV.get(key, "json")));
  if (cached.success) return cached.data;
  return dependency("the API worker", () => env.API.resolvePrompt(input));
}
