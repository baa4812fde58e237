import { eq } from "drizzle-orm";
import { workspaces } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

export async function getWorkspace({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string } }) {
  const [workspace] = await ctx.http().select().from(workspaces).where(eq(workspaces.id, input.workspaceId)).limit(1);
  if (!workspace) throw new ApiError("NOT_FOUND", "Workspace not found");
  return { id: workspace.id, name: workspace.name, owner_id: workspace.ownerId, require_production_approval: workspace.requireProductionApproval };
}
