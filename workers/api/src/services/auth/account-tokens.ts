/**
 * Single-use tokens e-mailed to an account's address: address verification (24 hours) and
 * password reset (1 hour). The token is 256 random bits; only its SHA-256 is stored, so a copy
 * of the database opens nothing. Issuing a token deletes the user's earlier unused ones of the
 * same purpose (only the newest link works); using one is a conditional update, so a token is
 * consumed once even by two requests racing with it.
 */
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { accountTokens, users, type AccountTokenPurpose } from "@xr2/db/schema";
import { newId, randomToken, sha256Hex } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";

export const ACCOUNT_TOKEN_TTL_SECONDS: Record<AccountTokenPurpose, number> = {
  verify_email: 24 * 60 * 60,
  reset_password: 60 * 60,
};

/** A new token for `email` (the account's address now); earlier unused tokens of the purpose stop working. */
export async function issueAccountToken(ctx: ServiceContext, input: { userId: string; email: string; purpose: AccountTokenPurpose }): Promise<string> {
  const token = randomToken();
  const db = ctx.http();
  // One batch is one transaction: the old links die exactly when the new one is born.
  await db.batch([
    db.delete(accountTokens).where(and(eq(accountTokens.userId, input.userId), eq(accountTokens.purpose, input.purpose), isNull(accountTokens.usedAt))),
    db.insert(accountTokens).values({
      id: newId("accountToken"),
      userId: input.userId,
      purpose: input.purpose,
      tokenHash: sha256Hex(token),
      email: input.email,
      expiresAt: new Date(Date.now() + ACCOUNT_TOKEN_TTL_SECONDS[input.purpose] * 1000),
    }),
  ]);
  return token;
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

/** Every unused token of the user, of any purpose, stops working (the account changed hands). */
export async function discardAccountTokens(tx: Transaction, userId: string): Promise<void> {
  await tx.delete(accountTokens).where(and(eq(accountTokens.userId, userId), isNull(accountTokens.usedAt)));
}
