/**
 * The user behind a Google identity (whose address Google verified: google-id-token.ts refuses
 * any other): the one already linked to its `sub`; else the account with the same address;
 * else a new account without a password, its address verified.
 *
 * An existing account is linked only as far as its own address was proven:
 * - verified (its owner used our e-mail link, or an earlier Google sign-in): the identity is
 *   linked and the password kept;
 * - not verified: whoever set its password never proved they own the address, and may be
 *   squatting it. The Google user does own it, so they take the account over: the password is
 *   removed (the squatter's stops working; the owner can set one through "forgot password"),
 *   every session and unused e-mailed token ends, and the address is marked verified.
 * The same holds for an identity linked before addresses were verified (the account still
 * unverified with a password): its next Google sign-in with that address takes it over.
 * Linking and taking over are recorded in the audit log, and a takeover that removed a password
 * is told to the address after the commit (send-password-change-notice.ts).
 */
import { and, eq, sql } from "drizzle-orm";
import { oauthAccounts, users, type User } from "@xr2/db/schema";
import { ApiError, newId } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { discardAccountTokens } from "./account-tokens.ts";
import type { GoogleIdentity } from "./google-id-token.ts";
import { sendPasswordChangeNotice } from "./send-password-change-notice.ts";
import { revokeAllSessions } from "./tokens.ts";

export async function findOrCreateGoogleUser(ctx: ServiceContext, identity: GoogleIdentity): Promise<User> {
  // Two first sign-ins racing for one identity or address meet a unique index: one gets 409.
  let passwordRemoved = false;
  const user = await ctx.db().transaction(async (tx) => {
    const claim = async (account: User, accountId: string) => {
      passwordRemoved = account.passwordHash !== null;
      return claimAddress(tx, ctx, account, accountId, identity);
    };
    const [linked] = await tx
      .select({ user: users, linkedEmail: oauthAccounts.email, accountId: oauthAccounts.id })
      .from(oauthAccounts)
      .innerJoin(users, eq(users.id, oauthAccounts.userId))
      .where(and(eq(oauthAccounts.provider, "google"), eq(oauthAccounts.providerAccountId, identity.sub)))
      .limit(1);
    if (linked) {
      if (linked.linkedEmail !== identity.email) await tx.update(oauthAccounts).set({ email: identity.email }).where(eq(oauthAccounts.id, linked.accountId));
      if (linked.user.emailVerifiedAt === null && linked.user.email.toLowerCase() === identity.email) return claim(linked.user, linked.accountId);
      return linked.user;
    }

    const [existing] = await tx.select().from(users).where(sql`lower(${users.email}) = ${identity.email}`).for("update").limit(1);
    if (!existing) {
      const [created] = await tx.insert(users).values({ id: newId("user"), email: identity.email, name: identity.name, emailVerifiedAt: new Date() }).returning();
      await tx.insert(oauthAccounts).values({ id: newId("oauthAccount"), userId: created!.id, provider: "google", providerAccountId: identity.sub, email: identity.email });
      return created!;
    }
    const accountId = newId("oauthAccount");
    await tx.insert(oauthAccounts).values({ id: accountId, userId: existing.id, provider: "google", providerAccountId: identity.sub, email: identity.email });
    if (existing.emailVerifiedAt === null) return claim(existing, accountId);
    await recordAudit(tx, ctx, {
      workspaceId: null,
      actorUserId: existing.id,
      action: "user.oauth_linked",
      targetType: "user",
      targetId: existing.id,
      after: { provider: "google", oauth_account_id: accountId, email: identity.email },
    });
    return existing;
  });
  if (passwordRemoved) await sendPasswordChangeNotice(ctx, { userId: user.id, email: user.email, change: "removed_by_google_sign_in" });
  if (user.disabledAt !== null) throw new ApiError("UNAUTHENTICATED", "This account is disabled");
  return user;
}

/** The owner of the address, proven by Google, takes the unverified account over (see the top). */
async function claimAddress(tx: Transaction, ctx: ServiceContext, account: User, accountId: string, identity: GoogleIdentity): Promise<User> {
  const [claimed] = await tx.update(users).set({ passwordHash: null, emailVerifiedAt: new Date() }).where(eq(users.id, account.id)).returning();
  const hadPassword = account.passwordHash !== null;
  const refreshTokensRevoked = hadPassword ? await revokeAllSessions(tx, account.id) : 0;
  await discardAccountTokens(tx, account.id);
  await recordAudit(tx, ctx, {
    workspaceId: null,
    actorUserId: account.id,
    action: hadPassword ? "user.taken_over_by_address_owner" : "user.email_verified",
    targetType: "user",
    targetId: account.id,
    before: { email_verified: false, has_password: hadPassword },
    after: { provider: "google", oauth_account_id: accountId, email: identity.email, email_verified: true, has_password: false, refresh_tokens_revoked: refreshTokensRevoked },
  });
  return claimed!;
}
