import { and, eq } from "drizzle-orm";
import { prompts } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { loadPromptViews } from "./prompt-view.ts";

/** A prompt of the workspace (active or archived) with its tags and environments; 404 otherwise. */
export async function getPrompt({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; promptId: string } }) {
  const [row] = await ctx
    .http()
    .select()
    .from(prompts)
    .where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)))
    .limit(1);
  if (!row) throw new ApiError("NOT_FOUND", "Prompt not found");
  const [view] = await loadPromptViews(ctx, input.workspaceId, [row]);
  return view!;
}
