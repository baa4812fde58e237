/**
 * Deletes a prompt for good (DELETE /api/prompts/{id}?permanent=true). Only a prompt that was
 * never published may go: no version ever left draft, no environment points at it, and no
 * deployment, approval request or experiment names it. Anything else is history that the edge,
 * analytics and the deployment log point at, so it is refused with 409 (archive it instead).
 * Versions and tag links go with it (foreign keys cascade); one audit row keeps what it was.
 * The edge's KV only holds published prompts, so a never-published prompt has no entry; any
 * stray one under its slug is removed while the row is still locked (so a new prompt taking the
 * slug cannot publish in between).
 */
import { and, eq, sql } from "drizzle-orm";
import { approvalRequests, deployments, environmentEnum, environments, experiments, prompts, promptVersions } from "@xr2/db/schema";
import { ApiError, kvKeys } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";

export async function deletePrompt({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; promptId: string; actorUserId: string } }): Promise<void> {
  await ctx.db().transaction(async (tx) => {
    const [prompt] = await tx
      .select()
      .from(prompts)
      .where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)))
      .for("update")
      .limit(1);
    if (!prompt) throw new ApiError("NOT_FOUND", "Prompt not found");
    const scoped = (table: { workspaceId: unknown; promptId: unknown }) => sql`${table.workspaceId} = ${input.workspaceId} and ${table.promptId} = ${input.promptId}`;
    const [history] = await tx.execute<{ published: boolean; deployed: boolean; approval: boolean; experiment: boolean; versions: number }>(sql`
      select
        exists (select 1 from ${promptVersions} where ${scoped(promptVersions)} and ${promptVersions.status} <> 'draft') as published,
        exists (select 1 from ${environments} where ${scoped(environments)})
          or exists (select 1 from ${deployments} where ${scoped(deployments)}) as deployed,
        exists (select 1 from ${approvalRequests} where ${scoped(approvalRequests)}) as approval,
        exists (select 1 from ${experiments} where ${scoped(experiments)}) as experiment,
        (select count(*) from ${promptVersions} where ${scoped(promptVersions)})::int as versions`).then((result) => result.rows);
    const reasons = [
      (history?.published || history?.deployed) && "it has been published",
      history?.approval && "an approval request names it",
      history?.experiment && "an experiment uses it",
    ].filter(Boolean);
    if (reasons.length > 0) {
      throw new ApiError(
        "CONFLICT",
        `"${prompt.name}" cannot be deleted because ${reasons.join(" and ")}: its history is kept. Archive it instead (DELETE without permanent=true); archived prompts stop being served and can be restored.`,
      );
    }
    await tx.delete(prompts).where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)));
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "prompt.delete",
      targetType: "prompt",
      targetId: input.promptId,
      before: { slug: prompt.slug, name: prompt.name, description: prompt.description, status: prompt.status, version_count: history?.versions ?? 0 },
    });
    await Promise.all(environmentEnum.enumValues.map((environment) => ctx.kv.delete(kvKeys.publishedPrompt(input.workspaceId, environment, prompt.slug))));
  });
}
