/**
 * Disables an account (S4): from this moment it can neither sign in nor refresh, and every
 * session ends at once — all refresh tokens are revoked in the same transaction, so each access
 * token already issued is refused by `authenticate` on its next call. Disabling yourself is
 * refused (an admin could lock the platform out). Disabling a disabled user changes nothing.
 */
import { eq } from "drizzle-orm";
import { users } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { revokeAllSessions } from "../auth/tokens.ts";
import { adminUserView } from "./list-users.ts";

export async function disableUser({ ctx, input }: { ctx: ServiceContext; input: { actorUserId: string; userId: string } }) {
  if (input.userId === input.actorUserId) throw new ApiError("CONFLICT", "You cannot disable your own account");
  return ctx.db().transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, input.userId)).limit(1);
    if (!user) throw new ApiError("NOT_FOUND", "User not found");
    const sessionsEnded = await revokeAllSessions(tx, user.id);
    if (user.disabledAt !== null) return adminUserView(user);
    const [disabled] = await tx.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id)).returning();
    await recordAudit(tx, ctx, {
      workspaceId: null,
      actorUserId: input.actorUserId,
      action: "user.disable",
      targetType: "user",
      targetId: user.id,
      before: { disabled_at: null },
      after: { disabled_at: disabled!.disabledAt!.toISOString(), sessions_ended: sessionsEnded },
    });
    return adminUserView(disabled!);
  });
}
