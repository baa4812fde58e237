/**
 * Checks the exposures an SDK reports (POST /api/v1/exposures) one by one, so that one bad item
 * is refused alone: the shape and limits of exposureInputSchema, the served time's range, the
 * key's environment restriction, and — the tenancy check — that every version and experiment
 * named is the key's workspace's, that the version is of the prompt named, and that the variant
 * is the experiment's and serves that version. A version or experiment of another workspace is
 * answered as unknown (NOT_FOUND), exactly as one that does not exist.
 *
 * Versions never move to another prompt or workspace, so what the API worker confirmed is kept
 * in the isolate for a while; what it did not find is asked again next time.
 */
import {
  exposureInputSchema,
  type ApiKeyRecord,
  type ExposureItemResult,
  type FallbackUse,
  type ParsedExposure,
  type ServedVersionOwners,
  describeIssue, describeIssueWithField,
} from "@xr2/shared";
import type { EdgeEnv } from "../env.ts";
import { clientTimeProblem } from "./client-time.ts";
import { dependency } from "./dependency.ts";
import { TtlCache } from "./ttl-cache.ts";

export type ExposureVerdict =
  | { accepted: true; kind: "exposure"; exposure: ParsedExposure }
  | { accepted: true; kind: "fallback"; fallback: FallbackUse }
  | { accepted: false; traceId: string | null; error: NonNullable<ExposureItemResult["error"]> };

type Experiment = ServedVersionOwners["experiments"][number];

const OWNERS_CACHE = { ttlMs: 5 * 60_000, maxEntries: 10_000 } as const;
const versionPrompts = new TtlCache<string>(OWNERS_CACHE);
const experimentOwners = new TtlCache<Experiment>(OWNERS_CACHE);

export async function acceptExposures(env: EdgeEnv, items: unknown[], context: { key: ApiKeyRecord; now: Date }): Promise<ExposureVerdict[]> {
  const { key, now } = context;
  const parsed = items.map((item) => {
    const result = exposureInputSchema.safeParse(item);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      return refuse(traceIdOf(item), issue.path.length > 0 ? describeIssueWithField(issue) : describeIssue(issue));
    }
    const input = result.data;
    const problem = clientTimeProblem("served_at", new Date(input.served_at), now);
    if (problem) return refuse(input.trace_id, problem);
    if (key.environment !== null && input.environment !== key.environment) return refuse(input.trace_id, `environment: this API key is restricted to the ${key.environment} environment`);
    return input;
  });

  const wsKey = (id: string) => `${key.workspace_id}:${id}`;
  const versionIds = new Set<string>();
  const experimentIds = new Set<string>();
  for (const input of parsed) {
    if ("accepted" in input) continue;
    if (input.version_id && versionPrompts.get(wsKey(input.version_id)) === undefined) versionIds.add(input.version_id);
    if (input.experiment_id && experimentOwners.get(wsKey(input.experiment_id)) === undefined) experimentIds.add(input.experiment_id);
  }
  if (versionIds.size > 0 || experimentIds.size > 0) {
    const owners = await dependency("the API worker", () => env.API.resolveServedVersions({ workspaceId: key.workspace_id, versionIds: [...versionIds], experimentIds: [...experimentIds] }));
    for (const version of owners.versions) versionPrompts.set(wsKey(version.version_id), version.prompt_id);
    for (const experiment of owners.experiments) experimentOwners.set(wsKey(experiment.experiment_id), experiment);
  }

  return parsed.map((input): ExposureVerdict => {
    if ("accepted" in input) return input;
    if (input.origin === "fallback") {
      return {
        accepted: true,
        kind: "fallback",
        fallback: { trace_id: input.trace_id, workspace_id: key.workspace_id, slug: input.slug, environment: input.environment, source: input.source ?? null, unit_id: input.unit_id ?? null, api_key_id: key.key_id, served_at: input.served_at },
      };
    }
    const versionId = input.version_id!;
    const promptId = versionPrompts.get(wsKey(versionId));
    if (promptId === undefined) return refuse(input.trace_id, `version_id: '${versionId}' is not a version of this workspace`, "NOT_FOUND");
    if (promptId !== input.prompt_id) return refuse(input.trace_id, `prompt_id: version '${versionId}' is a version of another prompt`);
    if (input.experiment_id) {
      const experiment = experimentOwners.get(wsKey(input.experiment_id));
      if (experiment === undefined) return refuse(input.trace_id, `experiment_id: '${input.experiment_id}' is not an experiment of this workspace`, "NOT_FOUND");
      const variant = experiment.variants.find((candidate) => candidate.key === input.variant);
      if (experiment.prompt_id !== promptId || variant?.version_id !== versionId) return refuse(input.trace_id, `variant: '${input.variant}' of experiment '${input.experiment_id}' does not serve version '${versionId}'`);
    }
    return {
      accepted: true,
      kind: "exposure",
      exposure: {
        trace_id: input.trace_id,
        workspace_id: key.workspace_id,
        prompt_id: promptId,
        version_id: versionId,
        environment: input.environment,
        source: input.source ?? null,
        variant: input.variant ?? null,
        experiment_id: input.experiment_id ?? null,
        unit_id: input.unit_id ?? null,
        api_key_id: key.key_id,
        latency_ms: input.latency_ms ?? 0,
        status: input.status,
        error_code: input.error_code ?? null,
        served_at: input.served_at,
        origin: input.origin,
        // SDKs render themselves and do not report their values: the trace view says so.
        variables: null,
      },
    };
  });
}

function refuse(traceId: string | null, message: string, code: "VALIDATION_FAILED" | "NOT_FOUND" = "VALIDATION_FAILED"): ExposureVerdict & { accepted: false } {
  return { accepted: false, traceId, error: { code, message } };
}

function traceIdOf(item: unknown): string | null {
  const traceId = (item as { trace_id?: unknown } | null)?.trace_id;
  return typeof traceId === "string" ? traceId.slice(0, 64) : null;
}
