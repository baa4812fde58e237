/** The edge's KV miss: answer from Postgres and back-fill KV so the next request is a hit. */
import type { Environment, PublishedPrompt } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { BACKFILL_TTL_SECONDS, projectEnvironment } from "./project-published-prompt.ts";

export function resolvePublishedPrompt({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; environment: Environment; slug: string };
}): Promise<PublishedPrompt | null> {
  return projectEnvironment({ ctx, input: { ...input, expirationTtl: BACKFILL_TTL_SECONDS } });
}
