/** Enables a disabled account again (S4): the user signs in anew (their old sessions stay ended). */
import { eq } from "drizzle-orm";
import { users } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { adminUserView } from "./list-users.ts";

export async function enableUser({ ctx, input }: { ctx: ServiceContext; input: { actorUserId: string; userId: string } }) {
  return ctx.db().transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, input.userId)).for("update").limit(1);
    if (!user) throw new ApiError("NOT_FOUND", "User not found");
    if (user.disabledAt === null) return adminUserView(user);
    const [enabled] = await tx.update(users).set({ disabledAt: null }).where(eq(users.id, user.id)).returning();
    await recordAudit(tx, ctx, {
      workspaceId: null,
      actorUserId: input.actorUserId,
      action: "user.enable",
      targetType: "user",
      targetId: user.id,
      before: { disabled_at: user.disabledAt.toISOString() },
      after: { disabled_at: null },
    });
    return adminUserView(enabled!);
  });
}
