/**
 * Deletes a draft that nothing refers to. Anything that was ever deployed, awaits approval or
 * takes part in an experiment is history that deployments, exposures and analytics point at; a
 * pending scheduled deployment of it would vanish with it (its schedules cascade), so it is
 * cancelled first. Schedules that ran, failed or were cancelled go with the draft.
 */
import { and, eq, sql } from "drizzle-orm";
import { approvalRequests, deployments, environments, experimentVariants, promptVersions, scheduledDeployments } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { lockVersion } from "./lock-version.ts";
import { auditedVersion, toVersionView } from "./version-view.ts";

export async function deleteVersion({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; promptId: string; versionId: string; actorUserId: string } }) {
  await ctx.db().transaction(async (tx) => {
    const { version, promptStatus } = await lockVersion(tx, input);
    if (version.status !== "draft") {
      throw new ApiError("CONFLICT", `Version ${version.versionNumber} is ${version.status}: only drafts can be deleted; versions that left draft are kept as history`);
    }
    if (promptStatus === "archived") throw new ApiError("CONFLICT", "This prompt is archived; unarchive it before changing its versions");
    const [references] = await tx.execute<{ deployed: boolean; approval: boolean; experiment: boolean; scheduled: boolean }>(sql`
      select
        exists (select 1 from ${deployments} where ${deployments.promptId} = ${input.promptId}
                  and (${deployments.toVersionId} = ${input.versionId} or ${deployments.fromVersionId} = ${input.versionId}))
          or exists (select 1 from ${environments} where ${environments.promptId} = ${input.promptId} and ${environments.versionId} = ${input.versionId}) as deployed,
        exists (select 1 from ${approvalRequests} where ${approvalRequests.promptId} = ${input.promptId} and ${approvalRequests.versionId} = ${input.versionId}) as approval,
        exists (select 1 from ${experimentVariants} where ${experimentVariants.promptId} = ${input.promptId} and ${experimentVariants.versionId} = ${input.versionId}) as experiment,
        exists (select 1 from ${scheduledDeployments} where ${scheduledDeployments.promptId} = ${input.promptId} and ${scheduledDeployments.versionId} = ${input.versionId}
                  and ${scheduledDeployments.status} = 'scheduled') as scheduled`).then((result) => result.rows);
    const reasons = [
      references?.deployed && "it was deployed",
      references?.approval && "an approval request names it",
      references?.experiment && "an experiment uses it",
      references?.scheduled && "a pending scheduled deployment names it (cancel it first)",
    ].filter(Boolean);
    if (reasons.length > 0) throw new ApiError("CONFLICT", `Version ${version.versionNumber} cannot be deleted: ${reasons.join(", ")}`);

    await tx.delete(promptVersions).where(and(eq(promptVersions.id, input.versionId), eq(promptVersions.workspaceId, input.workspaceId)));
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "version.delete",
      targetType: "version",
      targetId: input.versionId,
      before: auditedVersion(toVersionView(version, [])),
    });
  });
}
