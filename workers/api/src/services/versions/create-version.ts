/**
 * A new draft version of a prompt. Version numbers are max + 1 per prompt, allocated while the
 * prompt row is locked (FOR NO KEY UPDATE), so concurrent creations queue on that lock instead of
 * racing for the same number; the unique (prompt_id, version_number) constraint stays as the
 * database's guarantee. The lock mode does not block inserts that merely reference the prompt.
 */
import { and, eq, sql } from "drizzle-orm";
import { prompts, promptVersions, type ChatMessage, type ModelConfig, type PromptVariable } from "@xr2/db/schema";
import { ApiError, newId } from "@xr2/shared";
import { checkIncludedSlugs } from "../prompts/resolve-includes.ts";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { emitEvent } from "../webhooks/emit-event.ts";
import { auditedVersion, toVersionView } from "./version-view.ts";

/** A version's body: exactly one of `content` (text prompt) or `messages` (chat prompt). */
export type VersionBody = { content: string; messages?: undefined } | { content?: undefined; messages: ChatMessage[] };

export interface CreateVersionInput {
  workspaceId: string;
  promptId: string;
  actorUserId: string;
  body: VersionBody;
  variables?: PromptVariable[] | undefined;
  modelConfig?: ModelConfig | undefined;
  changelog?: string | undefined;
}

export async function createVersion({ ctx, input }: { ctx: ServiceContext; input: CreateVersionInput }) {
  return ctx.db().transaction(async (tx) => {
    const [prompt] = await tx
      .select({ id: prompts.id, slug: prompts.slug, name: prompts.name, status: prompts.status })
      .from(prompts)
      .where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)))
      .for("no key update")
      .limit(1);
    if (!prompt) throw new ApiError("NOT_FOUND", "Prompt not found");
    if (prompt.status === "archived") throw new ApiError("CONFLICT", "This prompt is archived; unarchive it before adding versions");
    await checkIncludedSlugs(tx, { workspaceId: input.workspaceId, promptId: input.promptId, body: input.body });

    const [latest] = await tx
      .select({ number: sql<number>`coalesce(max(${promptVersions.versionNumber}), 0)::int` })
      .from(promptVersions)
      .where(and(eq(promptVersions.promptId, input.promptId), eq(promptVersions.workspaceId, input.workspaceId)));
    const [row] = await tx
      .insert(promptVersions)
      .values({
        id: newId("version"),
        workspaceId: input.workspaceId,
        promptId: input.promptId,
        versionNumber: (latest?.number ?? 0) + 1,
        kind: input.body.messages === undefined ? "text" : "chat",
        content: input.body.content ?? null,
        messages: input.body.messages ?? null,
        variables: input.variables ?? [],
        modelConfig: input.modelConfig ?? {},
        changelog: input.changelog ?? null,
        status: "draft",
        createdById: input.actorUserId,
      })
      .returning();
    const version = toVersionView(row!, []);
    // A new version is a change to the prompt: "recently updated" lists should show it.
    await tx.update(prompts).set({ updatedAt: new Date() }).where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)));
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "version.create",
      targetType: "version",
      targetId: version.id,
      after: auditedVersion(version),
    });
    const ref = { id: prompt.id, slug: prompt.slug, name: prompt.name };
    await emitEvent(tx, ctx, { type: "version.created", workspaceId: input.workspaceId, actorUserId: input.actorUserId, data: { prompt: ref, version: { id: version.id, number: version.version_number, changelog: version.changelog }, origin: "created" } });
    return version;
  });
}

