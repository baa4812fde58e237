/**
 * Publishing: the environment pointer, the deployment history row and the version's status
 * change together in one Postgres transaction; only after it commits is the KV projection
 * written, so the edge never serves something the source of truth does not hold.
 */
import { and, eq, sql } from "drizzle-orm";
import { deployments, environments, prompts, promptVersions } from "@xr2/db/schema";
import { ApiError, newId, type Environment, type PublishedPrompt } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { projectEnvironment } from "./project-published-prompt.ts";

export async function publishVersion({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; promptId: string; versionId: string; environment: Environment; actorUserId: string | null; note?: string };
}): Promise<{ deploymentId: string; published: PublishedPrompt | null }> {
  const { slug, deploymentId } = await ctx.db().transaction(async (tx) => {
    const [prompt] = await tx
      .select({ slug: prompts.slug })
      .from(prompts)
      .where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)))
      .limit(1);
    if (!prompt) throw new ApiError("NOT_FOUND", "Prompt not found");
    const [version] = await tx
      .select({ id: promptVersions.id, status: promptVersions.status })
      .from(promptVersions)
      .where(and(eq(promptVersions.id, input.versionId), eq(promptVersions.promptId, input.promptId), eq(promptVersions.workspaceId, input.workspaceId)))
      .limit(1);
    if (!version) throw new ApiError("NOT_FOUND", "Version not found");

    const [current] = await tx
      .select({ versionId: environments.versionId })
      .from(environments)
      .where(and(eq(environments.promptId, input.promptId), eq(environments.environment, input.environment)))
      .for("update")
      .limit(1);

    const deploymentId = newId("deployment");
    await tx.insert(deployments).values({
      id: deploymentId,
      workspaceId: input.workspaceId,
      promptId: input.promptId,
      environment: input.environment,
      action: "publish",
      fromVersionId: current?.versionId ?? null,
      toVersionId: input.versionId,
      actorUserId: input.actorUserId,
      note: input.note ?? null,
    });
    await tx
      .insert(environments)
      .values({ workspaceId: input.workspaceId, promptId: input.promptId, environment: input.environment, versionId: input.versionId, deploymentId, updatedById: input.actorUserId })
      .onConflictDoUpdate({
        target: [environments.promptId, environments.environment],
        set: { versionId: input.versionId, deploymentId, updatedById: input.actorUserId, updatedAt: sql`now()` },
      });
    const status = input.environment === "production" ? "production" : "testing";
    if (version.status === "draft" || (status === "production" && version.status === "testing")) {
      await tx
        .update(promptVersions)
        .set({ status })
        .where(and(eq(promptVersions.id, input.versionId), eq(promptVersions.workspaceId, input.workspaceId)));
    }
    return { slug: prompt.slug, deploymentId };
  });

  const published = await projectEnvironment({ ctx, input: { workspaceId: input.workspaceId, environment: input.environment, slug } });
  return { deploymentId, published };
}
