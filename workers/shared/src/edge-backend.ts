/**
 * The RPC surface the API worker offers the edge worker over a service binding. The edge holds
 * no database credentials: when KV has no entry it asks here, and the API answers from Postgres
 * and back-fills KV so the next request is served from KV.
 */
import type { ApiKeyRecord, Environment, EventDefinitionsRecord, PublishedPrompt } from "./kv.ts";

export interface EdgeBackend {
  resolveApiKey(keyHash: string): Promise<ApiKeyRecord | null>;
  resolvePrompt(input: { workspaceId: string; environment: Environment; slug: string }): Promise<PublishedPrompt | null>;
  /** The workspace's event definitions (an empty list when it has none), back-filled into KV. */
  resolveEventDefinitions(workspaceId: string): Promise<EventDefinitionsRecord>;
  /** Round trip to Postgres, for the edge's health report. */
  pingDatabase(): Promise<void>;
}
