/**
 * What every analytics query checks before it runs: the time range is ordered and within the
 * endpoint's bound, and a prompt or version named in the query belongs to the caller's workspace
 * (another workspace's id answers 404, like any object the caller cannot see).
 */
import { and, eq } from "drizzle-orm";
import { prompts, promptVersions } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** 400 unless `from` < `to` and the range spans at most `maxDays` days. */
export function checkRange(from: Date, to: Date, maxDays: number, what: string): void {
  if (from.getTime() >= to.getTime()) throw new ApiError("VALIDATION_FAILED", "'from' must be before 'to'");
  const days = (to.getTime() - from.getTime()) / DAY_MS;
  if (days > maxDays) throw new ApiError("VALIDATION_FAILED", `${what} cover at most ${maxDays} days; the range asked for spans ${Math.ceil(days)} days`);
}

export async function assertPromptInWorkspace(ctx: ServiceContext, workspaceId: string, promptId: string): Promise<void> {
  const [row] = await ctx
    .http()
    .select({ id: prompts.id })
    .from(prompts)
    .where(and(eq(prompts.id, promptId), eq(prompts.workspaceId, workspaceId)))
    .limit(1);
  if (!row) throw new ApiError("NOT_FOUND", "Prompt not found");
}

/** The version's prompt, after checking the version is the workspace's (and the prompt's, when given). */
export async function assertVersionInWorkspace(ctx: ServiceContext, workspaceId: string, versionId: string, promptId?: string): Promise<string> {
  const [row] = await ctx
    .http()
    .select({ promptId: promptVersions.promptId })
    .from(promptVersions)
    .where(and(eq(promptVersions.id, versionId), eq(promptVersions.workspaceId, workspaceId)))
    .limit(1);
  if (!row || (promptId !== undefined && row.promptId !== promptId)) throw new ApiError("NOT_FOUND", "Version not found");
  return row.promptId;
}

/** A ratio, or null when the denominator is zero (nothing to divide). */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}
