/**
 * Edits a draft. Versions are immutable once out of draft: the service answers 409 with the
 * reason, and the database trigger of migration 0001 refuses the same change from any other path.
 */
import { and, eq } from "drizzle-orm";
import { prompts, promptVersions, type ModelConfig, type PromptVariable } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { VersionBody } from "./create-version.ts";
import { checkIncludedSlugs } from "../prompts/resolve-includes.ts";
import { lockVersion } from "./lock-version.ts";
import { auditedVersion, toVersionView } from "./version-view.ts";

export interface UpdateVersionInput {
  workspaceId: string;
  promptId: string;
  versionId: string;
  actorUserId: string;
  body?: VersionBody | undefined;
  variables?: PromptVariable[] | undefined;
  modelConfig?: ModelConfig | undefined;
  changelog?: string | null | undefined;
}

export async function updateVersion({ ctx, input }: { ctx: ServiceContext; input: UpdateVersionInput }) {
  return ctx.db().transaction(async (tx) => {
    const { version: before, promptStatus } = await lockVersion(tx, input);
    if (before.status !== "draft") {
      throw new ApiError("CONFLICT", `Version ${before.versionNumber} is ${before.status}: versions are immutable once out of draft; create a new version instead`);
    }
    if (promptStatus === "archived") throw new ApiError("CONFLICT", "This prompt is archived; unarchive it before editing its versions");
    if (input.body) await checkIncludedSlugs(tx, { workspaceId: input.workspaceId, promptId: input.promptId, body: input.body });

    const [after] = await tx
      .update(promptVersions)
      .set({
        ...(input.body === undefined
          ? {}
          : input.body.messages === undefined
            ? { kind: "text" as const, content: input.body.content, messages: null }
            : { kind: "chat" as const, content: null, messages: input.body.messages }),
        ...(input.variables === undefined ? {} : { variables: input.variables }),
        ...(input.modelConfig === undefined ? {} : { modelConfig: input.modelConfig }),
        ...(input.changelog === undefined ? {} : { changelog: input.changelog }),
      })
      .where(and(eq(promptVersions.id, input.versionId), eq(promptVersions.workspaceId, input.workspaceId)))
      .returning();
    await tx.update(prompts).set({ updatedAt: new Date() }).where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)));
    // Publishing takes a version out of draft, so no environment serves a draft.
    const view = toVersionView(after!, []);
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "version.update",
      targetType: "version",
      targetId: input.versionId,
      before: auditedVersion(toVersionView(before, [])),
      after: auditedVersion(view),
    });
    return view;
  });
}
