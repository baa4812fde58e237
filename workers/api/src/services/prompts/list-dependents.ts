/**
 * A snippet's dependents: the environments of other prompts whose current deployment inlined it
 * (directly or through another snippet), with the snippet version pinned there and whether that
 * is stale. A dependent is stale when its deployment inlined a version of this snippet, or of a
 * snippet this one brings in (as the same environment serves this one now: its deployment's
 * pins), that the environment no longer serves. So when S changes, P (which includes M, which
 * includes S) is stale on S's page and on M's, before and after M itself is republished: deploying
 * P again inlines M and S as the environment serves them (resolve-includes.ts), whatever M's own
 * deployment inlined.
 *
 * Each dependent names its path (P → M → S) and the changed snippets with theirs; the paths come
 * from the pinned snippet versions' include tags (the pins of a deployment are a flat list).
 */
import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import { approvalRequests, deployments, environments, prompts, promptVersions, type IncludePin } from "@xr2/db/schema";
import { ApiError, type Environment } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { includedSlugs } from "./resolve-includes.ts";

/** Dependents listed at most (environments of including prompts). */
export const MAX_DEPENDENTS = 300;

export interface Dependent {
  prompt_id: string;
  slug: string;
  name: string;
  environment: Environment;
  version_id: string;
  version: number;
  deployment_id: string;
  pinned: { version_id: string; version: number };
  current: { version_id: string; version: number } | null;
  /** Slugs from the dependent to this snippet: [P, M, S]. */
  path: string[];
  /** This snippet, or snippets it brings in, whose pinned version the environment no longer serves. */
  changes: SnippetChange[];
  stale: boolean;
}

export interface SnippetChange {
  /** Slugs from the dependent to the changed snippet. */
  path: string[];
  pinned: { version_id: string; version: number };
  current: { version_id: string; version: number } | null;
}

type VersionRef = { version_id: string; version: number };

/**
 * `staleOnly` (republish): only the stale ones, filtered in SQL before the limit, with their
 * total (`staleTotal`) so a caller working in batches can say how many remain.
 */
export async function listDependents({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; promptId: string; staleOnly?: boolean; environment?: Environment | undefined; limit?: number };
}): Promise<{ snippet: { id: string; slug: string }; dependents: Dependent[]; staleTotal: number | null }> {
  const db = ctx.http();
  const [snippet] = await db.select({ id: prompts.id, slug: prompts.slug }).from(prompts).where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId))).limit(1);
  if (!snippet) throw new ApiError("NOT_FOUND", "Prompt not found");
  // Stale: a pin of this snippet, or of one it brings in (its own deployment's pins in the same
  // environment), that the environment of that snippet no longer serves.
  const stale = sql`exists (select 1 from jsonb_array_elements(${deployments.includes}) as pin
    where (pin->>'prompt_id' = ${snippet.id} or exists (select 1 from ${environments} as own join ${deployments} as own_deployment on own_deployment.id = own.deployment_id and own_deployment.workspace_id = own.workspace_id
        where own.workspace_id = ${environments.workspaceId} and own.prompt_id = ${snippet.id} and own.environment = ${environments.environment} and own_deployment.includes @> jsonb_build_array(jsonb_build_object('prompt_id', pin->>'prompt_id'))))
      and not exists (select 1 from ${environments} as served where served.workspace_id = ${environments.workspaceId} and served.prompt_id = pin->>'prompt_id' and served.environment = ${environments.environment} and served.version_id = pin->>'version_id'))`;
  const where = and(
    eq(environments.workspaceId, input.workspaceId),
    sql`${deployments.includes} @> ${JSON.stringify([{ prompt_id: snippet.id }])}::jsonb`,
    input.staleOnly ? stale : undefined,
    input.environment ? eq(environments.environment, input.environment) : undefined,
  );
  let staleTotal: number | null = null;
  if (input.staleOnly) {
    const [counted] = await db
      .select({ total: count() })
      .from(environments)
      .innerJoin(deployments, and(eq(deployments.id, environments.deploymentId), eq(deployments.workspaceId, environments.workspaceId)))
      .where(where);
    staleTotal = counted?.total ?? 0;
  }
  const rows = await db
    .select({ prompt: { id: prompts.id, slug: prompts.slug, name: prompts.name }, environment: environments.environment, versionId: environments.versionId, version: promptVersions.versionNumber, deploymentId: deployments.id, includes: deployments.includes, stale: sql<boolean>`${stale}` })
    .from(environments)
    .innerJoin(deployments, and(eq(deployments.id, environments.deploymentId), eq(deployments.workspaceId, environments.workspaceId)))
    .innerJoin(prompts, and(eq(prompts.id, environments.promptId), eq(prompts.workspaceId, environments.workspaceId)))
    .innerJoin(promptVersions, eq(promptVersions.id, environments.versionId))
    .where(where)
    // Republishing in batches: the ones waiting for an approval (left alone) come last, so the
    // next call reaches the others instead of meeting the same requests again.
    .orderBy(
      ...(input.staleOnly
        ? [sql`exists (select 1 from ${approvalRequests} as pending where pending.workspace_id = ${environments.workspaceId} and pending.prompt_id = ${environments.promptId} and pending.environment = ${environments.environment} and pending.status = 'pending')`]
        : []),
      asc(prompts.slug),
      asc(environments.environment),
    )
    .limit(Math.min(input.limit ?? MAX_DEPENDENTS, MAX_DEPENDENTS));
  const pins = rows.flatMap((row) => row.includes as IncludePin[]);
  const promptIds = [...new Set(pins.map((pin) => pin.prompt_id))];
  const served = promptIds.length === 0
    ? []
    : await db
        .select({ promptId: environments.promptId, environment: environments.environment, versionId: environments.versionId, version: promptVersions.versionNumber })
        .from(environments)
        .innerJoin(promptVersions, eq(promptVersions.id, environments.versionId))
        .where(and(eq(environments.workspaceId, input.workspaceId), inArray(environments.promptId, promptIds)));
  const servedNow = (promptId: string, environment: Environment): VersionRef | null => {
    const now = served.find((candidate) => candidate.promptId === promptId && candidate.environment === environment);
    return now ? { version_id: now.versionId, version: now.version } : null;
  };
  const edges = await includeEdges(ctx, input.workspaceId, pins);
  const dependents = rows.flatMap((row): Dependent[] => {
    const rowPins = row.includes as IncludePin[];
    const pin = rowPins.find((candidate) => candidate.prompt_id === snippet.id);
    if (!pin) return [];
    const current = servedNow(snippet.id, row.environment);
    const toSnippet = pathTo(rowPins, edges, pin.slug);
    const below = pathsBelow(rowPins, edges, pin.slug);
    // The SQL above decides staleness (the batches of republish count with it); the changes name why.
    const changes = row.stale
      ? rowPins.flatMap((candidate): SnippetChange[] => {
          const now = servedNow(candidate.prompt_id, row.environment);
          const from = candidate.slug === pin.slug ? [] : below.get(candidate.slug);
          if (now?.version_id === candidate.version_id || from === undefined) return [];
          return [{ path: [row.prompt.slug, ...toSnippet, ...from], pinned: { version_id: candidate.version_id, version: candidate.version }, current: now }];
        })
      : [];
    return [
      {
        prompt_id: row.prompt.id,
        slug: row.prompt.slug,
        name: row.prompt.name,
        environment: row.environment,
        version_id: row.versionId,
        version: row.version,
        deployment_id: row.deploymentId,
        pinned: { version_id: pin.version_id, version: pin.version },
        current,
        path: [row.prompt.slug, ...toSnippet],
        changes,
        stale: row.stale,
      },
    ];
  });
  return { snippet, dependents, staleTotal };
}

/** For each pinned snippet version: the slugs its text includes (read from the versions, once each). */
async function includeEdges(ctx: ServiceContext, workspaceId: string, pins: readonly IncludePin[]): Promise<Map<string, string[]>> {
  const versionIds = [...new Set(pins.map((pin) => pin.version_id))];
  if (versionIds.length === 0) return new Map();
  const versions = await ctx
    .http()
    .select({ id: promptVersions.id, content: promptVersions.content })
    .from(promptVersions)
    .where(and(eq(promptVersions.workspaceId, workspaceId), inArray(promptVersions.id, versionIds)));
  return new Map(versions.map((version) => [version.id, includedSlugs({ content: version.content })]));
}

/**
 * Slugs from the dependent (excluded) down to `target` (included), through the pinned versions'
 * include tags. The dependent's own tags are not read: a pin no other pin includes is one of its
 * direct includes. [target] when no path is found (a pin whose version is gone).
 */
function pathTo(pins: readonly IncludePin[], edges: Map<string, string[]>, target: string): string[] {
  return walk(pins, edges, roots(pins, edges)).get(target) ?? [target];
}

/** Every pin below `start`, with its path from `start` (excluded). */
function pathsBelow(pins: readonly IncludePin[], edges: Map<string, string[]>, start: string): Map<string, string[]> {
  return walk(pins, edges, childrenOf(pins, edges, start));
}

function childrenOf(pins: readonly IncludePin[], edges: Map<string, string[]>, slug: string): string[] {
  const pin = pins.find((candidate) => candidate.slug === slug);
  return pin ? (edges.get(pin.version_id) ?? []).filter((child) => pins.some((candidate) => candidate.slug === child)) : [];
}

function roots(pins: readonly IncludePin[], edges: Map<string, string[]>): string[] {
  const included = new Set(pins.flatMap((pin) => childrenOf(pins, edges, pin.slug)));
  return pins.map((pin) => pin.slug).filter((slug) => !included.has(slug));
}

/** Breadth first, so each pin gets a shortest path; includes are acyclic (checked on deploy), `seen` guards anyway. */
function walk(pins: readonly IncludePin[], edges: Map<string, string[]>, starts: string[]): Map<string, string[]> {
  const paths = new Map<string, string[]>();
  let level = starts.map((slug) => ({ slug, path: [slug] }));
  while (level.length > 0) {
    const next: typeof level = [];
    for (const { slug, path } of level) {
      if (paths.has(slug)) continue;
      paths.set(slug, path);
      for (const child of childrenOf(pins, edges, slug)) if (!paths.has(child)) next.push({ slug: child, path: [...path, child] });
    }
    level = next;
  }
  return paths;
}
