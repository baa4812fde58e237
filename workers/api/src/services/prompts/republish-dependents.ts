/**
 * One click after a snippet changed: each stale dependent environment is deployed again with the
 * version it serves now, which inlines the snippet's current text. Every one is an ordinary
 * deployment (a new history row, audited, projected to KV), through the same policy as a publish:
 * where production needs an Admin's approval and the caller is not one, it becomes a pending
 * approval request and is reported as such, never deployed around the rule.
 *
 * A dependent environment with a colleague's pending approval request is left alone (republishing
 * would cancel that request): reported as failed, to be decided first. That is checked inside the
 * deployment's transaction, after the prompt's lock is taken, so a request made meanwhile counts. At most REPUBLISH_BATCH
 * stale dependents are deployed per call (each deployment costs several subrequests on Workers);
 * `remaining` says how many stale ones this call did not reach: call again.
 */
import { and, eq } from "drizzle-orm";
import { approvalRequests, promptVersions } from "@xr2/db/schema";
import { ApiError, type Environment } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import type { WorkspaceCaller } from "../../permissions.ts";
import { listDependents, type Dependent } from "./list-dependents.ts";
import { currentVersionId } from "./publish-version.ts";
import { requestDeployment } from "./request-deployment.ts";

/** Stale dependents deployed per call at most. */
export const REPUBLISH_BATCH = 25;

export interface RepublishResult {
  prompt_id: string;
  slug: string;
  environment: Environment;
  status: "deployed" | "pending_approval" | "failed";
  deployment_id: string | null;
  approval_request_id: string | null;
  message: string | null;
}

export async function republishDependents({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; promptId: string; actorUserId: string; actor: WorkspaceCaller; environment?: Environment | undefined };
}): Promise<{ results: RepublishResult[]; remaining: number }> {
  const { snippet, dependents, staleTotal } = await listDependents({
    ctx,
    input: { workspaceId: input.workspaceId, promptId: input.promptId, staleOnly: true, environment: input.environment, limit: REPUBLISH_BATCH },
  });
  const results: RepublishResult[] = [];
  // One after another: each takes its prompt's deployment lock, and a failure stays its own.
  for (const dependent of dependents) {
    const base = { prompt_id: dependent.prompt_id, slug: dependent.slug, environment: dependent.environment, deployment_id: null, approval_request_id: null, message: null };
    try {
      const outcome = await requestDeployment({
        ctx,
        input: {
          workspaceId: input.workspaceId,
          promptId: dependent.prompt_id,
          environment: dependent.environment,
          actorUserId: input.actorUserId,
          actor: input.actor,
          note: republishNote(snippet.slug, dependent),
          chooseVersion: async (tx) => {
            // Under the prompt's lock, like every request for approval: one made while this call
            // waited for the lock is seen here, not replaced.
            await refuseWhilePending(tx, { workspaceId: input.workspaceId, promptId: dependent.prompt_id, environment: dependent.environment });
            const versionId = await currentVersionId(tx, { workspaceId: input.workspaceId, promptId: dependent.prompt_id, environment: dependent.environment });
            if (!versionId) throw new ApiError("CONFLICT", `${dependent.environment} no longer serves a version of this prompt`);
            return versionId;
          },
        },
      });
      results.push(
        outcome.status === "deployed"
          ? { ...base, status: "deployed", deployment_id: outcome.deployment_id }
          : { ...base, status: "pending_approval", approval_request_id: outcome.approval_request_id, message: `${dependent.environment} needs an Admin's approval: a request was sent` },
      );
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      results.push({ ...base, status: "failed", message: error.message });
    }
  }
  return { results, remaining: Math.max(0, (staleTotal ?? 0) - dependents.length) };
}

/** Refuses (409) while the environment of the prompt has a pending approval request. */
async function refuseWhilePending(tx: Transaction, input: { workspaceId: string; promptId: string; environment: Environment }): Promise<void> {
  const [pending] = await tx
    .select({ version: promptVersions.versionNumber })
    .from(approvalRequests)
    .innerJoin(promptVersions, and(eq(promptVersions.id, approvalRequests.versionId), eq(promptVersions.workspaceId, approvalRequests.workspaceId)))
    .where(and(eq(approvalRequests.workspaceId, input.workspaceId), eq(approvalRequests.promptId, input.promptId), eq(approvalRequests.environment, input.environment), eq(approvalRequests.status, "pending")))
    .limit(1);
  if (pending) throw new ApiError("CONFLICT", `a request to deploy v${pending.version} waits for approval; decide it first`);
}

/** 'Republished with snippet "logo" v3 (through "header")': the changed snippets, three at most. */
function republishNote(slug: string, dependent: Dependent): string {
  const changes = dependent.changes.length > 0 ? dependent.changes : [{ path: dependent.path, current: dependent.current }];
  const named = changes.slice(0, 3).map(({ path, current }) => {
    const through = path.slice(1, -1);
    return `snippet "${path.at(-1) ?? slug}" v${current?.version ?? "?"}${through.length > 0 ? ` (through ${through.map((step) => `"${step}"`).join(" → ")})` : ""}`;
  });
  return `Republished with ${named.join(", ")}${changes.length > 3 ? ` and ${changes.length - 3} more` : ""}`;
}
