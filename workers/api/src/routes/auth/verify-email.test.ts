/**
 * Verified addresses: the e-mail sign-up sends, read from the local inbox, and its link used as
 * the site would; resending; what a used, replaced or expired link gets; a provider failure.
 */
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { accountTokens } from "@xr2/db/schema";
import { sha256Hex } from "@xr2/shared";
import { testContext } from "../../testing/fixtures.ts";
import { call, registerUser, TEST_PASSWORD, uniqueEmail } from "../../testing/http.ts";
import { latestMailId, linkIn, listMail, waitForMail } from "../../testing/inbox.ts";
import { windowSecondsAwayFromBoundary } from "@xr2/shared/testing/rate-limit-window";

/** Counting tests finish inside one window (see the helper). */
const STEADY_WINDOW = windowSecondsAwayFromBoundary(3_600);

const SUBJECT = /Confirm your e-mail address/;
const INVALID = "This verification link is invalid or has expired; sign in and ask for a new one";

/** The token of the newest verification e-mail to `email` (newer than `after`). */
async function verificationToken(email: string, after?: string): Promise<{ token: string; messageId: string }> {
  const message = await waitForMail(email, { subject: SUBJECT, ...(after === undefined ? {} : { after }) });
  const link = linkIn(message, "/verify-email");
  expect(link.origin).toBe("https://site.test");
  return { token: link.searchParams.get("token")!, messageId: message.id };
}

const verify = (token: string) => call("POST", "/api/auth/verify-email", { body: { token } });
const verifiedFlag = async (accessToken: string) => (await call("GET", "/api/auth/me", { token: accessToken })).body!.email_verified as boolean;

describe("verification e-mail", () => {
  it("goes out at sign-up; its link verifies the address once", async () => {
    const session = await registerUser(uniqueEmail(), "Vera Verify");
    expect(await verifiedFlag(session.access_token)).toBe(false);

    const message = await waitForMail(session.user.email, { subject: SUBJECT });
    // The name typed at sign-up is nobody's proven name: the mail greets generically.
    expect(message.text).not.toContain("Vera Verify");
    expect(message.html).not.toContain("Vera Verify");
    expect(message.text).toContain("xR2");
    const { token } = await verificationToken(session.user.email);
    // Stored as its SHA-256 only.
    const ctx = testContext();
    const [row] = await ctx.http().select().from(accountTokens).where(eq(accountTokens.tokenHash, sha256Hex(token)));
    expect(row).toMatchObject({ userId: session.user.id, purpose: "verify_email", usedAt: null, email: session.user.email });
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeGreaterThan(23.9 * 3600_000);
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeLessThanOrEqual(24 * 3600_000 + 1000);

    const verified = await verify(token);
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body).toEqual({ verified: true, email: session.user.email });
    expect(await verifiedFlag(session.access_token)).toBe(true);

    const reused = await verify(token);
    expect(reused.status).toBe(400);
    expect(reused.body!.error).toMatchObject({ code: "BAD_REQUEST", message: INVALID });
    await ctx.dispose();
  });

  it("refuses unknown and expired tokens with the same answer", async () => {
    const session = await registerUser();
    const { token } = await verificationToken(session.user.email);
    const ctx = testContext();
    await ctx.db().update(accountTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(accountTokens.tokenHash, sha256Hex(token)));
    await ctx.dispose();
    for (const attempt of [token, "made-up-token"]) {
      const response = await verify(attempt);
      expect(response.status).toBe(400);
      expect(response.body!.error).toMatchObject({ code: "BAD_REQUEST", message: INVALID });
    }
    expect(await verifiedFlag(session.access_token)).toBe(false);
  });

  it("is sent again on request: the new link works, the earlier one no longer does; a verified address answers 409", async () => {
    const session = await registerUser();
    const first = await verificationToken(session.user.email);
    expect((await call("POST", "/api/auth/resend-verification")).status).toBe(401);
    const resent = await call("POST", "/api/auth/resend-verification", { token: session.access_token });
    expect(resent.status, JSON.stringify(resent.body)).toBe(202);
    expect(resent.body).toEqual({ sent: true });
    const second = await verificationToken(session.user.email, first.messageId);
    expect(second.token).not.toBe(first.token);

    expect((await verify(first.token)).status).toBe(400);
    expect((await verify(second.token)).status).toBe(200);
    const again = await call("POST", "/api/auth/resend-verification", { token: session.access_token });
    expect(again.status).toBe(409);
    expect(again.body!.error.code).toBe("CONFLICT");
  });

  it("resending is limited per user: past the limit, 429 with Retry-After and no e-mail", async () => {
    const session = await registerUser();
    const lowLimit = { RATE_LIMIT_OVERRIDES: JSON.stringify({ resendVerificationPerUser: { requests: 2, windowSeconds: STEADY_WINDOW } }) };
    for (let attempt = 0; attempt < 2; attempt++) {
      expect((await call("POST", "/api/auth/resend-verification", { token: session.access_token, env: lowLimit })).status).toBe(202);
    }
    await waitForMail(session.user.email, { subject: SUBJECT });
    const sentBefore = (await listMail(session.user.email)).length;
    const limited = await call("POST", "/api/auth/resend-verification", { token: session.access_token, env: lowLimit });
    expect(limited.status).toBe(429);
    expect(limited.body!.error.code).toBe("RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await listMail(session.user.email)).toHaveLength(sentBefore);
    // Another user is not affected.
    const other = await registerUser();
    expect((await call("POST", "/api/auth/resend-verification", { token: other.access_token, env: lowLimit })).status).toBe(202);
  });

  it("a sign-up whose e-mail the provider refuses still succeeds, and the user can ask again", async () => {
    const email = uniqueEmail();
    const refused = { RESEND_API_KEY: "re_not_the_inbox_key" };
    const registered = await call("POST", "/api/auth/register", { body: { email, password: TEST_PASSWORD, name: "Pat PM" }, env: refused });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    expect(await latestMailId(email)).toBeUndefined();
    const accessToken = registered.body!.access_token as string;
    const failedResend = await call("POST", "/api/auth/resend-verification", { token: accessToken, env: refused });
    expect(failedResend.status).toBe(503);
    expect((await call("POST", "/api/auth/resend-verification", { token: accessToken })).status).toBe(202);
    const { token } = await verificationToken(email);
    expect((await verify(token)).status).toBe(200);
  });

  it("a resend the provider refuses leaves the link already sent working, and writes no token", async () => {
    const session = await registerUser();
    const first = await verificationToken(session.user.email);
    const ctx = testContext();
    const tokensBefore = await ctx.http().select().from(accountTokens).where(eq(accountTokens.userId, session.user.id));
    const failed = await call("POST", "/api/auth/resend-verification", { token: session.access_token, env: { RESEND_API_KEY: "re_not_the_inbox_key" } });
    expect(failed.status).toBe(503);
    expect(await ctx.http().select().from(accountTokens).where(eq(accountTokens.userId, session.user.id))).toEqual(tokensBefore);
    await ctx.dispose();
    expect((await verify(first.token)).status).toBe(200);
  });
});
