import { eq } from "drizzle-orm";
import { workspaces } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";

/** Renames a workspace and/or changes whether production publishes need an Admin's approval. */
export async function updateWorkspace({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; actorUserId: string; name?: string | undefined; requireProductionApproval?: boolean | undefined };
}) {
  return ctx.db().transaction(async (tx) => {
    const [before] = await tx.select().from(workspaces).where(eq(workspaces.id, input.workspaceId)).for("update").limit(1);
    if (!before) throw new ApiError("NOT_FOUND", "Workspace not found");
    const changes = {
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.requireProductionApproval === undefined ? {} : { requireProductionApproval: input.requireProductionApproval }),
    };
    const [after] = await tx.update(workspaces).set(changes).where(eq(workspaces.id, input.workspaceId)).returning();
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "workspace.update",
      targetType: "workspace",
      targetId: input.workspaceId,
      before: { name: before.name, require_production_approval: before.requireProductionApproval },
      after: { name: after!.name, require_production_approval: after!.requireProductionApproval },
    });
    return { id: after!.id, name: after!.name, owner_id: after!.ownerId, require_production_approval: after!.requireProductionApproval };
  });
}
