import { and, eq } from "drizzle-orm";
import { prompts, promptVersions } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { Transaction } from "../../context.ts";

/** Locks a version of a prompt of the workspace for the rest of the transaction; 404 otherwise. */
export async function lockVersion(tx: Transaction, input: { workspaceId: string; promptId: string; versionId: string }) {
  const [row] = await tx
    .select({ version: promptVersions, promptStatus: prompts.status })
    .from(promptVersions)
    .innerJoin(prompts, and(eq(prompts.id, promptVersions.promptId), eq(prompts.workspaceId, promptVersions.workspaceId)))
    .where(and(eq(promptVersions.id, input.versionId), eq(promptVersions.promptId, input.promptId), eq(promptVersions.workspaceId, input.workspaceId)))
    .for("update", { of: promptVersions })
    .limit(1);
  if (!row) throw new ApiError("NOT_FOUND", "Version not found");
  return row;
}
