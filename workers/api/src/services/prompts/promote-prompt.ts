/** Promote: deploy to `to` the version that `from` serves now (e.g. staging → production), under the same approval policy as publish. */
import { ApiError, type Environment } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import type { WorkspaceCaller } from "../../permissions.ts";
import { currentVersionId } from "./publish-version.ts";
import { requestDeployment } from "./request-deployment.ts";

export async function promotePrompt({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; promptId: string; from: Environment; to: Environment; actorUserId: string; actor: WorkspaceCaller; note?: string | undefined };
}) {
  if (input.from === input.to) throw new ApiError("VALIDATION_FAILED", "Promote between two different environments");
  return requestDeployment({
    ctx,
    input: {
      workspaceId: input.workspaceId,
      promptId: input.promptId,
      environment: input.to,
      actorUserId: input.actorUserId,
      actor: input.actor,
      action: "promote",
      note: input.note,
      // Read under the deployment lock: what `from` serves when the promotion happens.
      chooseVersion: async (tx) => {
        const versionId = await currentVersionId(tx, { workspaceId: input.workspaceId, promptId: input.promptId, environment: input.from });
        if (versionId === null) throw new ApiError("CONFLICT", `Nothing is published to ${input.from}; there is nothing to promote`);
        return versionId;
      },
    },
  });
}
