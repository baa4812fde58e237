/** Using the link of the verification e-mail: the address it was sent to is the account's, proven. */
import { and, eq, isNull } from "drizzle-orm";
import { users } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { consumeAccountToken } from "./account-tokens.ts";

export async function verifyEmail({ ctx, input }: { ctx: ServiceContext; input: { token: string } }): Promise<{ verified: true; email: string }> {
  const verified = await ctx.db().transaction(async (tx) => {
    const used = await consumeAccountToken(tx, "verify_email", input.token);
    if (!used) return undefined;
    await tx.update(users).set({ emailVerifiedAt: new Date() }).where(and(eq(users.id, used.userId), isNull(users.emailVerifiedAt)));
    return used;
  });
  if (!verified) throw new ApiError("BAD_REQUEST", "This verification link is invalid or has expired; sign in and ask for a new one");
  return { verified: true, email: verified.email };
}
