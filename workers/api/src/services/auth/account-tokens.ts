/**
 * Single-use tokens e-mailed to an account's address: address verification (24 hours) and
 * password reset (1 hour). The token is 256 random bits; only its SHA-256 is stored, so a copy
 * of the database opens nothing. A new token is written before its e-mail goes out; once the
 * provider took the mail, earlier unused tokens of the purpose beyond the newest
 * UNUSED_TOKENS_KEPT are deleted (a failed mail deletes its own token instead, so a provider
 * failure never kills a link already sent). Verification keeps only the newest link; reset keeps
 * three, so someone asking for reset e-mails for another's address cannot kill the link that
 * person is about to use. Trimming locks the user's row, so concurrent issues never leave more
 * than the cap. Using a token is a conditional update, so it is consumed once even by two
 * requests racing with it.
 */
import { and, desc, eq, gt, isNull, notInArray, sql } from "drizzle-orm";
import { accountTokens, users, type AccountTokenPurpose } from "@xr2/db/schema";
import { newId, randomToken, sha256Hex } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";

export const ACCOUNT_TOKEN_TTL_SECONDS: Record<AccountTokenPurpose, number> = {
  verify_email: 24 * 60 * 60,
  reset_password: 60 * 60,
};

export const UNUSED_TOKENS_KEPT: Record<AccountTokenPurpose, number> = {
  verify_email: 1,
  reset_password: 3,
};

/** A new token for `email` (the account's address now); it works alongside the earlier ones until `keepNewestAccountTokens`. */
export async function issueAccountToken(ctx: ServiceContext, input: { userId: string; email: string; purpose: AccountTokenPurpose }): Promise<{ id: string; token: string }> {
  const token = randomToken();
  const id = newId("accountToken");
  await ctx
    .http()
    .insert(accountTokens)
    .values({
      id,
      userId: input.userId,
      purpose: input.purpose,
      tokenHash: sha256Hex(token),
      email: input.email,
      expiresAt: new Date(Date.now() + ACCOUNT_TOKEN_TTL_SECONDS[input.purpose] * 1000),
    });
  return { id, token };
}

/** Its e-mail was sent: earlier unused tokens of the purpose beyond the newest UNUSED_TOKENS_KEPT stop working. */
export async function keepNewestAccountTokens(ctx: ServiceContext, input: { userId: string; purpose: AccountTokenPurpose }): Promise<void> {
  await ctx.db().transaction(async (tx) => {
    // One trim per user at a time: two issuing at once cannot each keep a different newest set.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).for("update");
    const mine = and(eq(accountTokens.userId, input.userId), eq(accountTokens.purpose, input.purpose), isNull(accountTokens.usedAt));
    const newest = tx.select({ id: accountTokens.id }).from(accountTokens).where(mine).orderBy(desc(accountTokens.createdAt), desc(accountTokens.id)).limit(UNUSED_TOKENS_KEPT[input.purpose]);
    await tx.delete(accountTokens).where(and(mine, notInArray(accountTokens.id, newest)));
  });
}

/** Its e-mail could not be sent: the token nobody received goes, and the earlier links keep working. */
export async function withdrawAccountToken(ctx: ServiceContext, id: string): Promise<void> {
  await ctx.http().delete(accountTokens).where(and(eq(accountTokens.id, id), isNull(accountTokens.usedAt)));
}

/**
 * Marks the token used and returns its user, or undefined when it is unknown, of another
 * purpose, used, expired, or was sent to an address the account no longer has. Run inside the
 * transaction of what the token allows, so that a failure there leaves the token unused.
 */
export async function consumeAccountToken(tx: Transaction, purpose: AccountTokenPurpose, token: string): Promise<{ userId: string; email: string } | undefined> {
  const [used] = await tx
    .update(accountTokens)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(accountTokens.tokenHash, sha256Hex(token)),
        eq(accountTokens.purpose, purpose),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, sql`now()`),
        sql`exists (select 1 from ${users} where ${users.id} = ${accountTokens.userId} and lower(${users.email}) = ${accountTokens.email} and ${users.disabledAt} is null)`,
      ),
    )
    .returning({ userId: accountTokens.userId, email: accountTokens.email });
  return used;
}

/** The user's other unused tokens of the purpose stop working (a reset link was used: the others must not outlive it). */
export async function discardOtherAccountTokens(tx: Transaction, input: { userId: string; purpose: AccountTokenPurpose }): Promise<void> {
  await tx.delete(accountTokens).where(and(eq(accountTokens.userId, input.userId), eq(accountTokens.purpose, input.purpose), isNull(accountTokens.usedAt)));
}

/** Every unused token of the user, of any purpose, stops working (the account changed hands). */
export async function discardAccountTokens(tx: Transaction, userId: string): Promise<void> {
  await tx.delete(accountTokens).where(and(eq(accountTokens.userId, userId), isNull(accountTokens.usedAt)));
}
