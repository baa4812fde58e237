/** The edge's KV miss: answer from Postgres and back-fill KV so the next request is a hit. */
import type { Environment, PublishedPrompt } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { readPublishedPrompt, writePublishedPrompt } from "./project-published-prompt.ts";

export async function resolvePublishedPrompt({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; environment: Environment; slug: string };
}): Promise<PublishedPrompt | null> {
  const published = await readPublishedPrompt({ ctx, input });
  if (published) await writePublishedPrompt(ctx, published);
  return published;
}
