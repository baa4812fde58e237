/**
 * A workspace's event definitions: the isolate's cache, then KV, then the API worker on a miss
 * (which back-fills KV). A workspace without definitions is projected as an empty list, so it is
 * served from KV like any other.
 */
import { eventDefinitionsRecordSchema, kvKeys, type EventDefinitionRecord } from "@xr2/shared";
import type { EdgeEnv } from "../env.ts";
import { dependency } from "./dependency.ts";
import { PROJECTION_CACHE, TtlCache } from "./ttl-cache.ts";

export type EventDefinitions = ReadonlyMap<string, EventDefinitionRecord>;

const recentDefinitions = new TtlCache<EventDefinitions>(PROJECTION_CACHE);

export async function loadEventDefinitions(env: EdgeEnv, workspaceId: string): Promise<EventDefinitions> {
  const key = kvKeys.eventDefinitions(workspaceId);
  let definitions = recentDefinitions.get(key);
  if (definitions === undefined) {
    definitions = await readEventDefinitions(env, key, workspaceId);
    recentDefinitions.set(key, definitions);
  }
  return definitions;
}

async function readEventDefinitions(env: EdgeEnv, key: string, workspaceId: string): Promise<EventDefinitions> {
  // An entry this code cannot read (written by another version of it) counts as a miss.
  const projected = eventDefinitionsRecordSchema.safeParse(await dependency("KV", () => env.PROMPTS_KV.get(key, "json")));
  const record = projected.success ? projected.data : await dependency("the API worker", () => env.API.resolveEventDefinitions(workspaceId));
  return new Map(record.definitions.map((definition) => [definition.event_name, definition]));
}
