/**
 * The user behind a Google identity: the one already linked to its `sub`; else the account with
 * the same (Google-verified) e-mail address, which gets the identity linked; else a new account
 * without a password. Linking is recorded in the audit log, since it opens an existing account
 * to a new way in.
 */
import { and, eq, sql } from "drizzle-orm";
import { oauthAccounts, users, type User } from "@xr2/db/schema";
import { ApiError, newId } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { GoogleIdentity } from "./google-id-token.ts";

export async function findOrCreateGoogleUser(ctx: ServiceContext, identity: GoogleIdentity): Promise<User> {
  // Two first sign-ins racing for one identity or address meet a unique index: one gets 409.
  const user = await ctx.db().transaction(async (tx) => {
    const [linked] = await tx
      .select({ user: users, linkedEmail: oauthAccounts.email, accountId: oauthAccounts.id })
      .from(oauthAccounts)
      .innerJoin(users, eq(users.id, oauthAccounts.userId))
      .where(and(eq(oauthAccounts.provider, "google"), eq(oauthAccounts.providerAccountId, identity.sub)))
      .limit(1);
    if (linked) {
      if (linked.linkedEmail !== identity.email) await tx.update(oauthAccounts).set({ email: identity.email }).where(eq(oauthAccounts.id, linked.accountId));
      return linked.user;
    }

    const [existing] = await tx.select().from(users).where(sql`lower(${users.email}) = ${identity.email}`).limit(1);
    const account = existing ?? (await tx.insert(users).values({ id: newId("user"), email: identity.email, name: identity.name }).returning())[0]!;
    const accountId = newId("oauthAccount");
    await tx.insert(oauthAccounts).values({ id: accountId, userId: account.id, provider: "google", providerAccountId: identity.sub, email: identity.email });
    if (existing) {
      await recordAudit(tx, ctx, {
        workspaceId: null,
        actorUserId: existing.id,
        action: "user.oauth_linked",
        targetType: "user",
        targetId: existing.id,
        after: { provider: "google", oauth_account_id: accountId, email: identity.email },
      });
    }
    return account;
  });
  if (user.disabledAt !== null) throw new ApiError("UNAUTHENTICATED", "This account is disabled");
  return user;
}
