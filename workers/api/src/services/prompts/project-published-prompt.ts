/**
 * The KV projection of a published version: built from Postgres rows, written after the
 * transaction that changed them has committed. KV can always be rebuilt from these functions.
 * While an experiment runs in the environment, the entry also carries its variants with the
 * versions they serve, so the edge can assign and render without asking anyone (A6).
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { deployments, environments, experiments, experimentVariants, prompts, promptVersions, type Prompt, type PromptVersion, type ResolvedBody } from "@xr2/db/schema";
import { kvKeys, SDK_LIMITS, type Environment, type ProjectedExperiment, type PublishedBundle, type PublishedPrompt, type ServedVersion } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

/** `resolved`: the text with snippets inlined, as the deployment that set the version pinned it. */
function servedVersion(version: PromptVersion, resolved?: ResolvedBody | null): ServedVersion {
  return {
    version_id: version.id,
    version: version.versionNumber,
    kind: version.kind,
    content: resolved ? resolved.content : version.content,
    messages: resolved ? resolved.messages : version.messages,
    variables: resolved ? resolved.variables : version.variables,
    model_config: version.modelConfig,
  };
}

/** The experiment running for a prompt's environment, with its variants' versions, or null. */
async function readRunningExperiment(ctx: ServiceContext, input: { workspaceId: string; promptId: string; environment: Environment }): Promise<ProjectedExperiment | null> {
  const rows = await ctx
    .http()
    .select({ experimentId: experiments.id, key: experimentVariants.key, weight: experimentVariants.weight, version: promptVersions })
    .from(experiments)
    .innerJoin(experimentVariants, and(eq(experimentVariants.experimentId, experiments.id), eq(experimentVariants.workspaceId, experiments.workspaceId)))
    .innerJoin(promptVersions, and(eq(promptVersions.id, experimentVariants.versionId), eq(promptVersions.promptId, experimentVariants.promptId)))
    .where(
      and(
        eq(experiments.workspaceId, input.workspaceId),
        eq(experiments.promptId, input.promptId),
        eq(experiments.environment, input.environment),
        eq(experiments.status, "running"),
      ),
    )
    .orderBy(asc(experimentVariants.position));
  if (rows.length === 0) return null;
  return { id: rows[0]!.experimentId, variants: rows.map((row) => ({ key: row.key, weight: row.weight, version: servedVersion(row.version) })) };
}

/** Reads the version an environment of a prompt serves, addressed by slug, scoped to the workspace. */
export async function readPublishedPrompt({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; environment: Environment; slug: string };
}): Promise<PublishedPrompt | null> {
  const [row] = await ctx
    .http()
    .select({ prompt: prompts, version: promptVersions, publishedAt: environments.updatedAt, resolved: deployments.resolved })
    .from(prompts)
    .innerJoin(environments, and(eq(environments.promptId, prompts.id), eq(environments.environment, input.environment)))
    .innerJoin(promptVersions, eq(promptVersions.id, environments.versionId))
    .leftJoin(deployments, eq(deployments.id, environments.deploymentId))
    .where(and(eq(prompts.workspaceId, input.workspaceId), eq(prompts.slug, input.slug), eq(prompts.status, "active")))
    .limit(1);
  if (!row) return null;
  const experiment = await readRunningExperiment(ctx, { workspaceId: input.workspaceId, promptId: row.prompt.id, environment: input.environment });
  return publishedPrompt(row, input.environment, experiment);
}

/** A variant serving the environment's own version serves it as deployed: with its snippets inlined. */
function withResolvedControl(experiment: ProjectedExperiment, version: PromptVersion, resolved: ResolvedBody | null): ProjectedExperiment {
  if (!resolved) return experiment;
  return { ...experiment, variants: experiment.variants.map((variant) => (variant.version.version_id === version.id ? { ...variant, version: servedVersion(version, resolved) } : variant)) };
}

/** The projection of a prompt's environment from its row, served version and running experiment. */
function publishedPrompt(row: { prompt: Prompt; version: PromptVersion; publishedAt: Date; resolved: ResolvedBody | null }, environment: Environment, experiment: ProjectedExperiment | null | undefined): PublishedPrompt {
  return {
    workspace_id: row.prompt.workspaceId,
    prompt_id: row.prompt.id,
    slug: row.prompt.slug,
    environment,
    ...servedVersion(row.version, row.resolved),
    published_at: row.publishedAt.toISOString(),
    ...(experiment ? { experiment: withResolvedControl(experiment, row.version, row.resolved) } : {}),
  };
}

/**
 * Every prompt a workspace serves in one environment (the SDKs' bundle), or only those of
 * `slugs`, in slug order: two queries whatever the number of prompts. Read from Postgres, not
 * from KV, whose listing lags behind its writes.
 */
export async function readPublishedBundle({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; environment: Environment; slugs?: readonly string[] | undefined };
}): Promise<PublishedBundle> {
  const db = ctx.http();
  // What the bundle would weigh, measured in Postgres before anything is loaded: a workspace of
  // large templates is refused without the API worker and the edge holding them (the edge checks
  // the exact size of what it serializes too).
  const slugFilter = input.slugs ? sql`and p.slug in (${sql.join(input.slugs.map((slug) => sql`${slug}`), sql`, `)})` : sql``;
  const versionBytes = (v: string) => sql.raw(`coalesce(octet_length(${v}.content), 0) + coalesce(octet_length(${v}.messages::text), 0) + octet_length(${v}.variables::text) + octet_length(${v}.model_config::text) + 256`);
  const [weight] = (
    await db.execute<{ prompts: number; bytes: number }>(sql`
      select count(*)::int as prompts, coalesce(sum(${versionBytes("v")} + coalesce((select octet_length(d.resolved::text) from deployments d where d.id = e.deployment_id), 0) + coalesce((
        select sum(${versionBytes("vv")}) from experiments x
        join experiment_variants ev on ev.experiment_id = x.id and ev.workspace_id = x.workspace_id
        join prompt_versions vv on vv.id = ev.version_id
        where x.workspace_id = p.workspace_id and x.prompt_id = p.id and x.environment = e.environment and x.status = 'running'), 0)), 0)::bigint as bytes
      from prompts p
      join environments e on e.prompt_id = p.id and e.environment = ${input.environment}
      join prompt_versions v on v.id = e.version_id
      where p.workspace_id = ${input.workspaceId} and p.status = 'active' ${slugFilter}`)
  ).rows;
  const bytes = Number(weight?.bytes ?? 0);
  if (bytes > SDK_LIMITS.bundleBytes) return { prompts: [], too_large: { prompts: weight?.prompts ?? 0, bytes } };
  const rows = await db
    .select({ prompt: prompts, version: promptVersions, publishedAt: environments.updatedAt, resolved: deployments.resolved })
    .from(prompts)
    .innerJoin(environments, and(eq(environments.promptId, prompts.id), eq(environments.environment, input.environment)))
    .innerJoin(promptVersions, eq(promptVersions.id, environments.versionId))
    .leftJoin(deployments, eq(deployments.id, environments.deploymentId))
    .where(and(eq(prompts.workspaceId, input.workspaceId), eq(prompts.status, "active"), input.slugs ? inArray(prompts.slug, [...input.slugs]) : undefined))
    .orderBy(asc(prompts.slug));
  if (rows.length === 0) return { prompts: [] };
  const variants = await db
    .select({ experimentId: experiments.id, promptId: experiments.promptId, key: experimentVariants.key, weight: experimentVariants.weight, version: promptVersions })
    .from(experiments)
    .innerJoin(experimentVariants, and(eq(experimentVariants.experimentId, experiments.id), eq(experimentVariants.workspaceId, experiments.workspaceId)))
    .innerJoin(promptVersions, and(eq(promptVersions.id, experimentVariants.versionId), eq(promptVersions.promptId, experimentVariants.promptId)))
    .where(and(eq(experiments.workspaceId, input.workspaceId), eq(experiments.environment, input.environment), eq(experiments.status, "running")))
    .orderBy(asc(experimentVariants.position));
  const running = new Map<string, ProjectedExperiment>();
  for (const row of variants) {
    const experiment = running.get(row.promptId) ?? { id: row.experimentId, variants: [] };
    experiment.variants.push({ key: row.key, weight: row.weight, version: servedVersion(row.version) });
    running.set(row.promptId, experiment);
  }
  return { prompts: rows.map((row) => publishedPrompt(row, input.environment, running.get(row.prompt.id))) };
}

/** Entries written on the edge's behalf expire, so a back-fill that lost a race heals itself. */
export const BACKFILL_TTL_SECONDS = 300;

/**
 * Projects one environment of a prompt into KV: writes the entry, or deletes it when nothing is
 * served. KV has no compare-and-set, so after writing it reads Postgres again and rewrites until
 * both agree: when two writers race, the last one to check leaves the committed state behind.
 */
export async function projectEnvironment({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; environment: Environment; slug: string; expirationTtl?: number };
}): Promise<PublishedPrompt | null> {
  const key = kvKeys.publishedPrompt(input.workspaceId, input.environment, input.slug);
  let published = await readPublishedPrompt({ ctx, input });
  for (let attempt = 0; attempt < 3; attempt++) {
    if (published) await ctx.kv.put(key, JSON.stringify(published), input.expirationTtl ? { expirationTtl: input.expirationTtl } : {});
    else await ctx.kv.delete(key);
    const current = await readPublishedPrompt({ ctx, input });
    if (current?.version_id === published?.version_id && current?.published_at === published?.published_at && current?.experiment?.id === published?.experiment?.id) return published;
    published = current;
  }
  return published;
}
