/**
 * The RPC surface the API worker offers the edge worker over a service binding. The edge holds
 * no database credentials: when KV has no entry it asks here, and the API answers from Postgres
 * and back-fills KV so the next request is served from KV.
 */
import type { ApiKeyRecord, Environment, EventDefinitionsRecord, PublishedPrompt } from "./kv.ts";

/** The prompts of a bundle, or, past its size limit measured in Postgres, only how many and how large. */
export interface PublishedBundle {
  prompts: PublishedPrompt[];
  too_large?: { prompts: number; bytes: number };
}

/** The versions and experiments of one workspace among those asked about; others are absent. */
export interface ServedVersionOwners {
  versions: Array<{ version_id: string; prompt_id: string }>;
  experiments: Array<{ experiment_id: string; prompt_id: string; variants: Array<{ key: string; version_id: string }> }>;
}

export interface EdgeBackend {
  resolveApiKey(keyHash: string): Promise<ApiKeyRecord | null>;
  resolvePrompt(input: { workspaceId: string; environment: Environment; slug: string }): Promise<PublishedPrompt | null>;
  /** The workspace's event definitions (an empty list when it has none), back-filled into KV. */
  resolveEventDefinitions(workspaceId: string): Promise<EventDefinitionsRecord>;
  /** Every prompt served in an environment of a workspace, or only those of `slugs` (the SDK bundle). */
  resolveBundle(input: { workspaceId: string; environment: Environment; slugs?: string[] | undefined }): Promise<PublishedBundle>;
  /** Which of these versions and experiments are the workspace's, to check an SDK's exposures. */
  resolveServedVersions(input: { workspaceId: string; versionIds: string[]; experimentIds: string[] }): Promise<ServedVersionOwners>;
  /** Round trip to Postgres, for the edge's health report. */
  pingDatabase(): Promise<void>;
}
