/**
 * Setting a new password with the link of the reset e-mail. In one transaction: the token is
 * used, the password replaced, every session of the user ended (refresh tokens revoked, and with
 * them every access token: see revokeAllSessions), and the address marked verified — the e-mail
 * proved it. A password too easy to guess (assertStrongPassword, with the account's address and
 * name as what an attacker knows) leaves the token unused, so the user can try another. The
 * user's other unused reset links die with it. After the commit a notice goes to the address
 * (send-password-change-notice.ts), so an owner who did not ask learns of it.
 */
import { eq, sql } from "drizzle-orm";
import { users } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { consumeAccountToken, discardOtherAccountTokens } from "./account-tokens.ts";
import { hashPassword } from "./password.ts";
import { assertStrongPassword } from "./password-strength.ts";
import { sendPasswordChangeNotice } from "./send-password-change-notice.ts";
import { revokeAllSessions } from "./tokens.ts";

export async function resetPassword({ ctx, input }: { ctx: ServiceContext; input: { token: string; password: string } }): Promise<{ reset: true }> {
  const changed = await ctx.db().transaction(async (tx) => {
    const used = await consumeAccountToken(tx, "reset_password", input.token);
    if (!used) throw new ApiError("BAD_REQUEST", "This reset link is invalid or has expired; ask for a new one");
    const [user] = await tx.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, used.userId));
    // Refused here, the transaction rolls back and the token stays usable for a better password.
    await assertStrongPassword(input.password, [user!.email, user!.name]);
    await tx
      .update(users)
      .set({ passwordHash: await hashPassword(input.password), emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
      .where(eq(users.id, used.userId));
    const sessionsRevoked = await revokeAllSessions(tx, used.userId);
    await discardOtherAccountTokens(tx, { userId: used.userId, purpose: "reset_password" });
    await recordAudit(tx, ctx, {
      workspaceId: null,
      actorUserId: used.userId,
      action: "user.password_reset",
      targetType: "user",
      targetId: used.userId,
      after: { refresh_tokens_revoked: sessionsRevoked },
    });
    return { userId: used.userId, email: user!.email };
  });
  await sendPasswordChangeNotice(ctx, { ...changed, change: "reset" });
  return { reset: true };
}
