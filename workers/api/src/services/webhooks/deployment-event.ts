/**
 * The `version.published` / `version.rolled_back` event of a deployment, recorded in the
 * deployment's transaction (publish-version.ts): a publish or promote is `version.published`, a
 * rollback `version.rolled_back`. Its data follows the shared payload schema
 * (workers/shared/src/webhook-payloads.ts): the prompt, the environment, the version served now
 * and the one served before, the deployment row, the approval that cleared it, who did it, and
 * the prompt's page on the site.
 */
import type { Environment } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import { emitEvent, promptRef, versionRef } from "./emit-event.ts";

export interface DeploymentEventInput {
  workspaceId: string;
  promptId: string;
  environment: Environment;
  action: "publish" | "promote" | "rollback";
  deploymentId: string;
  versionId: string;
  fromVersionId: string | null;
  actorUserId: string | null;
  approvalRequestId: string | null;
}

export async function recordDeploymentEvent(tx: Transaction, ctx: ServiceContext, input: DeploymentEventInput): Promise<void> {
  const { workspaceId } = input;
  const fields = {
    prompt: await promptRef(tx, { workspaceId, promptId: input.promptId }),
    environment: input.environment,
    version: await versionRef(tx, { workspaceId, versionId: input.versionId }),
    previous_version: input.fromVersionId === null ? null : await versionRef(tx, { workspaceId, versionId: input.fromVersionId }),
    deployment_id: input.deploymentId,
  };
  if (input.action === "rollback") await emitEvent(tx, ctx, { type: "version.rolled_back", workspaceId, actorUserId: input.actorUserId, data: fields });
  else await emitEvent(tx, ctx, { type: "version.published", workspaceId, actorUserId: input.actorUserId, data: { ...fields, approval_id: input.approvalRequestId } });
}
