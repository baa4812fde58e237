import { and, eq } from "drizzle-orm";
import { prompts, promptVersions } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { Transaction } from "../../context.ts";

/**
 * Locks a version of a prompt of the workspace for the rest of the transaction; 404 otherwise.
 * The prompt's row is locked first, as creating versions and deploying do (services/prompts/
 * publish-version.ts), so that transactions over one prompt's versions always lock in the same
 * order and cannot deadlock.
 */
export async function lockVersion(tx: Transaction, input: { workspaceId: string; promptId: string; versionId: string }) {
  const [prompt] = await tx
    .select({ status: prompts.status })
    .from(prompts)
    .where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)))
    .for("no key update")
    .limit(1);
  if (!prompt) throw new ApiError("NOT_FOUND", "Version not found");
  const [version] = await tx
    .select()
    .from(promptVersions)
    .where(and(eq(promptVersions.id, input.versionId), eq(promptVersions.promptId, input.promptId), eq(promptVersions.workspaceId, input.workspaceId)))
    .for("update")
    .limit(1);
  if (!version) throw new ApiError("NOT_FOUND", "Version not found");
  return { version, promptStatus: prompt.status };
}
