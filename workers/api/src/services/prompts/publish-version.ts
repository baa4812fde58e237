/**
 * Deploying a version to an environment (publish, promote, rollback): the environment pointer,
 * the deployment history row, the versions' statuses and the audit row change together in one
 * Postgres transaction; only after it commits is the KV projection written, so the edge never
 * serves something the source of truth does not hold.
 *
 * Every transaction that deploys, or asks for an approval, first locks the prompt's row
 * (`inDeploymentTransaction`), and reads what it decides on (the version live now, the
 * history, the approval setting) after that, inside the transaction: deployments of one prompt
 * run one after another, each starting from what the one before it committed. Creating and
 * editing versions lock the same row first (services/versions), so the lock order is the same
 * everywhere.
 */
import { and, eq, sql } from "drizzle-orm";
import { deployments, environments, experiments, prompts, promptVersions, type IncludePin, type ResolvedBody } from "@xr2/db/schema";
import { ApiError, compileMessages, compileTemplate, newId, type Environment, type PublishedPrompt } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { recordDeploymentEvent } from "../webhooks/deployment-event.ts";
import { projectEnvironment } from "./project-published-prompt.ts";
import { includedSlugs, resolveIncludes } from "./resolve-includes.ts";

export type DeploymentAction = "publish" | "promote" | "rollback";

export interface DeployInput {
  workspaceId: string;
  promptId: string;
  versionId: string;
  environment: Environment;
  actorUserId: string | null;
  action?: DeploymentAction;
  note?: string | undefined;
  /** Set when an Admin's approval cleared this deployment. */
  approvalRequestId?: string | undefined;
  /** Rollback: the inlined snippets of the deployment returned to, restored as they were. */
  restore?: { includes: IncludePin[]; resolved: ResolvedBody | null } | undefined;
}

export interface Deployment {
  deployment_id: string;
  environment: Environment;
  action: DeploymentAction;
  from_version_id: string | null;
  to_version_id: string;
  version: number;
}

/**
 * Runs `work` in a transaction holding the prompt's deployment lock: the prompt's row, locked
 * after checking that it is a prompt of the workspace (404) and active (409).
 */
export async function inDeploymentTransaction<T>(
  ctx: ServiceContext,
  target: { workspaceId: string; promptId: string },
  work: (tx: Transaction, prompt: { slug: string }) => Promise<T>,
): Promise<{ slug: string; result: T }> {
  return ctx.db().transaction(async (tx) => {
    const [prompt] = await tx
      .select({ slug: prompts.slug, status: prompts.status })
      .from(prompts)
      .where(and(eq(prompts.id, target.promptId), eq(prompts.workspaceId, target.workspaceId)))
      .for("no key update")
      .limit(1);
    if (!prompt) throw new ApiError("NOT_FOUND", "Prompt not found");
    if (prompt.status !== "active") throw new ApiError("CONFLICT", "This prompt is archived; unarchive it before publishing");
    return { slug: prompt.slug, result: await work(tx, prompt) };
  });
}

/**
 * A version of the prompt, checked for deploying: of the workspace, not archived, and its
 * template compiling (the edge must never receive one it cannot render). Used before deploying
 * and before asking for an approval.
 */
export async function loadDeployableVersion(tx: Transaction, input: { workspaceId: string; promptId: string; versionId: string }) {
  const [version] = await tx
    .select({ id: promptVersions.id, status: promptVersions.status, versionNumber: promptVersions.versionNumber, content: promptVersions.content, messages: promptVersions.messages, variables: promptVersions.variables })
    .from(promptVersions)
    .where(and(eq(promptVersions.id, input.versionId), eq(promptVersions.promptId, input.promptId), eq(promptVersions.workspaceId, input.workspaceId)))
    .limit(1);
  if (!version) throw new ApiError("NOT_FOUND", "Version not found");
  if (version.status === "archived") throw new ApiError("CONFLICT", "This version is archived and cannot be deployed");
  const compiled = version.messages ? compileMessages(version.messages) : compileTemplate(version.content ?? "");
  if (!compiled.ok) throw new ApiError("VALIDATION_FAILED", `Version ${version.versionNumber}'s template has errors; fix them in a new version`, { details: compiled.errors });
  return version;
}

/** The version an environment of the prompt serves now, if any (read under the deployment lock). */
export async function currentVersionId(tx: Transaction, input: { workspaceId: string; promptId: string; environment: Environment }): Promise<string | null> {
  const [current] = await tx
    .select({ versionId: environments.versionId })
    .from(environments)
    .where(and(eq(environments.promptId, input.promptId), eq(environments.environment, input.environment), eq(environments.workspaceId, input.workspaceId)))
    .limit(1);
  return current?.versionId ?? null;
}

/** Deploys inside a transaction of `inDeploymentTransaction`. */
export async function deployInTransaction(tx: Transaction, ctx: ServiceContext, input: DeployInput): Promise<Deployment> {
  const action = input.action ?? "publish";
  const version = await loadDeployableVersion(tx, input);
  const fromVersionId = await currentVersionId(tx, input);
  if (includedSlugs(version).length > 0) await refuseUnderExperiment(tx, { ...input, versionNumber: version.versionNumber });
  // Snippets are inlined now, from what this environment serves: KV gets one finished template.
  // A rollback restores the text it returns to (rollback-prompt.ts); a row from before snippets
  // existed has none to restore for a version with includes, so that one is resolved.
  const restore = input.restore && (input.restore.resolved !== null || includedSlugs(version).length === 0) ? input.restore : undefined;
  const { pins, resolved } = restore
    ? { pins: restore.includes, resolved: restore.resolved }
    : await resolveIncludes(tx, { workspaceId: input.workspaceId, environment: input.environment, promptId: input.promptId, body: version });

  const deploymentId = newId("deployment");
  await tx.insert(deployments).values({
    id: deploymentId,
    workspaceId: input.workspaceId,
    promptId: input.promptId,
    environment: input.environment,
    action,
    fromVersionId,
    toVersionId: input.versionId,
    actorUserId: input.actorUserId,
    approval: input.approvalRequestId ? "approved" : "not_required",
    approvalRequestId: input.approvalRequestId ?? null,
    note: input.note ?? null,
    includes: pins,
    resolved,
    // The time of the change, not of the transaction's start: a deployment that waited for the
    // lock comes after the one it waited for, in history order too.
    createdAt: sql`clock_timestamp()`,
  });
  await tx
    .insert(environments)
    .values({ workspaceId: input.workspaceId, promptId: input.promptId, environment: input.environment, versionId: input.versionId, deploymentId, updatedById: input.actorUserId })
    .onConflictDoUpdate({
      target: [environments.promptId, environments.environment],
      set: { versionId: input.versionId, deploymentId, updatedById: input.actorUserId, updatedAt: sql`now()` },
    });
  await updateStatuses(tx, { ...input, version, fromVersionId });
  await recordAudit(tx, ctx, {
    workspaceId: input.workspaceId,
    actorUserId: input.actorUserId,
    action: `prompt.${action}`,
    targetType: "prompt",
    targetId: input.promptId,
    before: { environment: input.environment, version_id: fromVersionId },
    after: { environment: input.environment, version_id: input.versionId, deployment_id: deploymentId, ...(pins.length > 0 ? { includes: pins } : {}) },
  });
  // Announced by webhooks once this transaction commits (version.published / version.rolled_back).
  await recordDeploymentEvent(tx, ctx, { workspaceId: input.workspaceId, promptId: input.promptId, environment: input.environment, action, deploymentId, versionId: input.versionId, fromVersionId, actorUserId: input.actorUserId, approvalRequestId: input.approvalRequestId ?? null });
  return { deployment_id: deploymentId, environment: input.environment, action, from_version_id: fromVersionId, to_version_id: input.versionId, version: version.versionNumber };
}

/**
 * A running experiment's variants are served from their versions without snippets resolved (only
 * the current version has its deployment's resolved text), so experiments refuse variants with
 * includes when they start, and a version with includes is not deployed where one runs.
 */
async function refuseUnderExperiment(tx: Transaction, input: { workspaceId: string; promptId: string; environment: Environment; versionNumber: number }): Promise<void> {
  const [running] = await tx
    .select({ id: experiments.id })
    .from(experiments)
    .where(and(eq(experiments.workspaceId, input.workspaceId), eq(experiments.promptId, input.promptId), eq(experiments.environment, input.environment), eq(experiments.status, "running")))
    .limit(1);
  if (running) {
    throw new ApiError(
      "CONFLICT",
      `Version ${input.versionNumber} includes snippets ({% include %}) and an experiment is running on this prompt in ${input.environment}, whose variants are served without snippets resolved; stop the experiment first`,
    );
  }
}

/**
 * A version's status says where it stands: draft until first deployed anywhere, production while
 * production serves it, testing once it has left draft and production does not serve it (again).
 * Only production has one version that can be replaced out of "production".
 */
async function updateStatuses(
  tx: Transaction,
  input: { workspaceId: string; environment: Environment; versionId: string; version: { status: string }; fromVersionId: string | null },
): Promise<void> {
  const status = input.environment === "production" ? "production" : "testing";
  if (input.version.status === "draft" || (status === "production" && input.version.status === "testing")) {
    await tx
      .update(promptVersions)
      .set({ status })
      .where(and(eq(promptVersions.id, input.versionId), eq(promptVersions.workspaceId, input.workspaceId)));
  }
  if (input.environment === "production" && input.fromVersionId !== null && input.fromVersionId !== input.versionId) {
    await tx
      .update(promptVersions)
      .set({ status: "testing" })
      .where(and(eq(promptVersions.id, input.fromVersionId), eq(promptVersions.workspaceId, input.workspaceId), eq(promptVersions.status, "production")));
  }
}

export async function publishVersion({ ctx, input }: { ctx: ServiceContext; input: DeployInput }): Promise<Deployment & { published: PublishedPrompt | null }> {
  const { slug, result: deployment } = await inDeploymentTransaction(ctx, input, (tx) => deployInTransaction(tx, ctx, input));
  const published = await projectEnvironment({ ctx, input: { workspaceId: input.workspaceId, environment: input.environment, slug } });
  return { ...deployment, published };
}
