/**
 * "Forgot password" end to end: the request, the e-mail read from the local inbox, the reset with
 * its link's token, and every earlier session ended; the identical answer for unknown addresses;
 * single use, replacement and expiry of links; the limits per IP and per IP and address, and the
 * per-address cap that answers the same and sends nothing; the notice after a reset.
 */
import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { accountTokens, auditLog } from "@xr2/db/schema";
import { sha256Hex } from "@xr2/shared";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createApiApp } from "../../app.ts";
import { testContext } from "../../testing/fixtures.ts";
import { call, registerUser, TEST_PASSWORD, uniqueEmail } from "../../testing/http.ts";
import { linkIn, listMail, waitForMail } from "../../testing/inbox.ts";
import { windowSecondsAwayFromBoundary } from "@xr2/shared/testing/rate-limit-window";

/** Counting tests finish inside one window (see the helper). */
const STEADY_WINDOW = windowSecondsAwayFromBoundary(3_600);

const SUBJECT = /Reset your xR2 password/;
const NOTICE = /Your xR2 password was changed/;
const NEW_PASSWORD = "a brand new passphrase for xr2";
const INVALID = "This reset link is invalid or has expired; ask for a new one";

const forgot = (email: string, opts: { ip?: string; env?: Record<string, unknown> } = {}) =>
  call("POST", "/api/auth/forgot-password", { body: { email }, ...(opts.ip ? { headers: { "cf-connecting-ip": opts.ip } } : {}), ...(opts.env ? { env: opts.env } : {}) });
const reset = (token: string, password = NEW_PASSWORD) => call("POST", "/api/auth/reset-password", { body: { token, password } });
const login = (email: string, password: string) => call("POST", "/api/auth/login", { body: { email, password } });

/** The token of the newest reset e-mail to `email` (newer than `after`). */
async function resetToken(email: string, after?: string): Promise<{ token: string; messageId: string }> {
  const message = await waitForMail(email, { subject: SUBJECT, ...(after === undefined ? {} : { after }) });
  const link = linkIn(message, "/reset-password");
  expect(link.origin).toBe("https://site.test");
  return { token: link.searchParams.get("token")!, messageId: message.id };
}

/** A /64 of its own (per-IP limits count IPv6 by /64), unique per run: with TEST_REDIS_URL the counters outlive the test process. */
const uniqueIp = () => `2001:db8:${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}::1`;

describe("password reset", () => {
  it("e-mails a link; the new password works, the old one and every earlier session are refused; the address is told", async () => {
    const first = await registerUser(uniqueEmail(), "Nora <b>Name</b>");
    const email = first.user.email;
    const secondLogin = await login(email, TEST_PASSWORD);
    expect(secondLogin.status).toBe(200);
    const second = secondLogin.body as typeof first;

    const requested = await forgot(email.toUpperCase());
    expect(requested.status).toBe(202);
    expect(requested.body).toEqual({ accepted: true });
    const { token, messageId } = await resetToken(email);
    const resetMail = await waitForMail(email, { subject: SUBJECT });
    expect(`${resetMail.text} ${resetMail.html}`).not.toContain("Nora");
    const ctx = testContext();
    const [row] = await ctx.http().select().from(accountTokens).where(eq(accountTokens.tokenHash, sha256Hex(token)));
    expect(row).toMatchObject({ purpose: "reset_password", userId: first.user.id, usedAt: null });
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeLessThanOrEqual(3600_000 + 1000);

    const done = await reset(token);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toEqual({ reset: true });
    const notice = await waitForMail(email, { subject: NOTICE, after: messageId });
    expect(notice.text).toContain("If it was not");
    expect(notice.text).not.toContain(token);

    expect((await login(email, TEST_PASSWORD)).status).toBe(401);
    const fresh = await login(email, NEW_PASSWORD);
    expect(fresh.status).toBe(200);
    for (const earlier of [first, second]) {
      const refreshed = await call("POST", "/api/auth/refresh", { body: { refresh_token: earlier.refresh_token } });
      expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(401);
      const me = await call("GET", "/api/auth/me", { token: earlier.access_token });
      expect(me.status).toBe(401);
      expect(me.body!.error.code).toBe("UNAUTHENTICATED");
    }
    // The e-mail proved the address; the new session works.
    const me = await call("GET", "/api/auth/me", { token: fresh.body!.access_token });
    expect(me.body).toMatchObject({ id: first.user.id, email_verified: true });

    const reused = await reset(token, "yet another passphrase here");
    expect(reused.status).toBe(400);
    expect(reused.body!.error).toMatchObject({ code: "BAD_REQUEST", message: INVALID });
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);

    const audit = await ctx.http().select().from(auditLog).where(and(eq(auditLog.targetId, first.user.id), eq(auditLog.action, "user.password_reset")));
    expect(audit).toEqual([expect.objectContaining({ workspaceId: null, actorUserId: first.user.id, after: { refresh_tokens_revoked: 2 } })]);
    expect(JSON.stringify(audit)).not.toContain(token);
    await ctx.dispose();
  });

  it("answers an unknown address exactly as a known one, and sends it nothing", async () => {
    const known = await registerUser();
    const unknown = uniqueEmail();
    // Raw answers: status, body bytes and headers, compared apart from the request id.
    const rawForgot = async (email: string) => {
      const executionCtx = createExecutionContext();
      const response = await createApiApp().fetch(
        new Request("http://api.test/api/auth/forgot-password", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email }) }),
        env,
        executionCtx,
      );
      await waitOnExecutionContext(executionCtx);
      const headers = [...response.headers.entries()].filter(([name]) => name !== "x-request-id");
      return { status: response.status, body: await response.text(), headers, requestId: response.headers.get("x-request-id") };
    };
    const forUnknown = await rawForgot(unknown);
    const forKnown = await rawForgot(known.user.email);
    expect(forUnknown.requestId).toBeTruthy();
    expect(forUnknown.status).toBe(202);
    expect({ ...forUnknown, requestId: null }).toEqual({ ...forKnown, requestId: null });
    // Once the known address's e-mail has arrived, the unknown one's would have too.
    await resetToken(known.user.email);
    expect(await listMail(unknown)).toEqual([]);
    const ctx = testContext();
    expect(await ctx.http().select().from(accountTokens).where(eq(accountTokens.email, unknown))).toEqual([]);
    expect(await ctx.http().select().from(accountTokens).where(and(eq(accountTokens.email, known.user.email), eq(accountTokens.purpose, "reset_password")))).toHaveLength(1);
    await ctx.dispose();
  });

  it("the three newest links work, each once, and a reset ends the others; older and expired ones are refused", async () => {
    const session = await registerUser();
    const tokens: string[] = [];
    let after: string | undefined;
    for (let attempt = 0; attempt < 4; attempt++) {
      expect((await forgot(session.user.email)).status).toBe(202);
      const mailed = await resetToken(session.user.email, after);
      tokens.push(mailed.token);
      after = mailed.messageId;
    }
    const ctx = testContext();
    const unused = await ctx.http().select().from(accountTokens).where(and(eq(accountTokens.userId, session.user.id), eq(accountTokens.purpose, "reset_password")));
    expect(unused.map((row) => row.tokenHash).sort()).toEqual(tokens.slice(1).map(sha256Hex).sort());
    expect((await reset(tokens[0]!)).body!.error).toMatchObject({ code: "BAD_REQUEST", message: INVALID });

    await ctx.db().update(accountTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(accountTokens.tokenHash, sha256Hex(tokens[3]!)));
    await ctx.dispose();
    expect((await reset(tokens[3]!)).body!.error).toMatchObject({ code: "BAD_REQUEST", message: INVALID });
    expect((await login(session.user.email, TEST_PASSWORD)).status).toBe(200);
    expect((await reset(tokens[1]!)).status).toBe(200);
    expect((await reset(tokens[2]!)).body!.error).toMatchObject({ code: "BAD_REQUEST", message: INVALID });
  });

  it("requests issued at once never leave more than three links", async () => {
    const session = await registerUser();
    const answers = await Promise.all(Array.from({ length: 6 }, () => forgot(session.user.email)));
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202, 202]);
    const ctx = testContext();
    const unused = await ctx.http().select().from(accountTokens).where(and(eq(accountTokens.userId, session.user.id), eq(accountTokens.purpose, "reset_password")));
    await ctx.dispose();
    expect(unused).toHaveLength(3);
  });

  it("refuses a weak password and leaves the link usable", async () => {
    const session = await registerUser();
    await forgot(session.user.email);
    const { token } = await resetToken(session.user.email);
    for (const password of ["short", "password12", `${session.user.email}1`]) {
      const weak = await reset(token, password);
      expect(weak.status, password).toBe(400);
      expect(weak.body!.error.code, password).toBe("VALIDATION_FAILED");
    }
    expect((await reset(token, "password12")).body!.error.message).toMatch(/^This password is too easy to guess: /);
    expect((await call("GET", "/api/auth/me", { token: session.access_token })).status).toBe(200);
    expect((await reset(token)).status).toBe(200);
  });

  it("past the per-address cap, answers the same 202 and sends nothing, known address or not", async () => {
    const lowLimit = { RATE_LIMIT_OVERRIDES: JSON.stringify({ forgotPasswordPerEmail: { requests: 2, windowSeconds: STEADY_WINDOW } }) };
    const known = await registerUser();
    for (const email of [known.user.email, uniqueEmail()]) {
      for (let attempt = 0; attempt < 4; attempt++) {
        const answer = await forgot(attempt % 2 === 0 ? email : email.toUpperCase(), { ip: uniqueIp(), env: lowLimit });
        expect(answer.status).toBe(202);
        expect(answer.body).toEqual({ accepted: true });
        expect(answer.headers.get("retry-after")).toBeNull();
      }
    }
    expect(await listMail(known.user.email).then((messages) => messages.filter((message) => SUBJECT.test(message.subject)))).toHaveLength(2);
  });

  it("is limited per IP and address: past it, 429 with Retry-After for that pair only", async () => {
    const lowLimit = { RATE_LIMIT_OVERRIDES: JSON.stringify({ forgotPasswordPerIpAndEmail: { requests: 2, windowSeconds: STEADY_WINDOW } }) };
    const ip = uniqueIp();
    const email = uniqueEmail();
    for (let attempt = 0; attempt < 2; attempt++) expect((await forgot(email, { ip, env: lowLimit })).status).toBe(202);
    const limited = await forgot(email.toUpperCase(), { ip, env: lowLimit });
    expect(limited.status).toBe(429);
    expect(limited.body!.error).toMatchObject({ code: "RATE_LIMITED", message: expect.stringMatching(/^Too many password reset requests from your network; retry in \d+ s$/) });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await forgot(uniqueEmail(), { ip, env: lowLimit })).status).toBe(202);
    expect((await forgot(email, { ip: uniqueIp(), env: lowLimit })).status).toBe(202);
  });

  it("is limited per IP across addresses", async () => {
    const ip = uniqueIp();
    const lowLimit = { RATE_LIMIT_OVERRIDES: JSON.stringify({ forgotPasswordPerIp: { requests: 3, windowSeconds: STEADY_WINDOW } }) };
    // Addresses of one /64 count as one source.
    const sameNetwork = (host: number) => ip.replace(/::1$/, `::${host}`);
    for (let attempt = 0; attempt < 3; attempt++) expect((await forgot(uniqueEmail(), { ip: sameNetwork(attempt + 1), env: lowLimit })).status).toBe(202);
    const limited = await forgot(uniqueEmail(), { ip, env: lowLimit });
    expect(limited.status).toBe(429);
    expect((await forgot(uniqueEmail(), { ip: uniqueIp(), env: lowLimit })).status).toBe(202);
  });
});
