/**
 * The edge's definitions lookup on a KV miss: read from Postgres and projected back into KV with
 * an expiry, so a back-fill that lost a race with a change heals itself.
 */
import type { EventDefinitionsRecord } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { BACKFILL_TTL_SECONDS } from "../prompts/project-published-prompt.ts";
import { projectEventDefinitions } from "./project-event-definitions.ts";

export async function resolveEventDefinitions({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string } }): Promise<EventDefinitionsRecord> {
  return projectEventDefinitions({ ctx, input: { workspaceId: input.workspaceId, expirationTtl: BACKFILL_TTL_SECONDS } });
}
