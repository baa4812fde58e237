import { workspaceMembers, workspaces } from "@xr2/db/schema";
import { newId } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";

/** A new workspace; its creator is its owner and first Admin. */
export async function createWorkspace({ ctx, input }: { ctx: ServiceContext; input: { userId: string; name: string } }) {
  const workspace = { id: newId("workspace"), name: input.name, ownerId: input.userId };
  await ctx.db().transaction(async (tx) => {
    await tx.insert(workspaces).values(workspace);
    await tx.insert(workspaceMembers).values({ workspaceId: workspace.id, userId: input.userId, role: "admin" });
    await recordAudit(tx, ctx, { workspaceId: workspace.id, actorUserId: input.userId, action: "workspace.create", targetType: "workspace", targetId: workspace.id, after: { name: workspace.name } });
  });
  return { id: workspace.id, name: workspace.name, owner_id: workspace.ownerId, role: "admin" as const };
}
