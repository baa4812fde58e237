import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { decodeJwt, SignJWT } from "jose";
import { eq } from "drizzle-orm";
import { refreshTokens } from "@xr2/db/schema";
import { RATE_LIMIT_POLICIES, sha256Hex } from "@xr2/shared";
import { call, registerUser, TEST_PASSWORD, uniqueEmail, uniqueIp, type TestSession } from "../../testing/http.ts";
import { testContext } from "../../testing/fixtures.ts";
import { REFRESH_REUSE_GRACE_SECONDS } from "../../services/auth/tokens.ts";
import { awayFromWindowBoundary, windowSecondsAwayFromBoundary } from "@xr2/shared/testing/rate-limit-window";

/** Counting tests finish inside one window (see the helper). */
const STEADY_WINDOW = windowSecondsAwayFromBoundary(3_600);

type Session = TestSession;
const PASSWORD = TEST_PASSWORD;
const register = registerUser;

/** Moves a refresh token's revocation `seconds` into the past: the clock, without sleeping. */
async function ageRevocation(refreshToken: string, seconds: number): Promise<void> {
  const ctx = testContext();
  const [row] = await ctx.db().select({ revokedAt: refreshTokens.revokedAt }).from(refreshTokens).where(eq(refreshTokens.tokenHash, sha256Hex(refreshToken)));
  expect(row?.revokedAt).toBeInstanceOf(Date);
  await ctx
    .db()
    .update(refreshTokens)
    .set({ revokedAt: new Date(row!.revokedAt!.getTime() - seconds * 1000) })
    .where(eq(refreshTokens.tokenHash, sha256Hex(refreshToken)));
}

describe("register, login, me", () => {
  it("registers, then /me answers with the user of the access token", async () => {
    const email = uniqueEmail();
    const session = await register(email);
    expect(session.user).toMatchObject({ email, name: "Pat PM", id: expect.stringMatching(/^usr_/) });
    const me = await call("GET", "/api/auth/me", { token: session.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: session.user.id, email, name: "Pat PM", is_platform_admin: false, email_verified: false });
  });

  it("refuses a second account for the same e-mail, whatever its case, with 409", async () => {
    const email = uniqueEmail();
    await register(email);
    const again = await call("POST", "/api/auth/register", { body: { email: email.toUpperCase(), password: PASSWORD, name: "Other" } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: "CONFLICT" } });
  });

  it("signs in with the right password and answers the same 401 for a wrong password and an unknown e-mail", async () => {
    const email = uniqueEmail();
    await register(email);
    const ok = await call("POST", "/api/auth/login", { body: { email: email.toUpperCase(), password: PASSWORD } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ access_token: expect.any(String), refresh_token: expect.stringMatching(/^rt_/) });

    const wrong = await call("POST", "/api/auth/login", { body: { email, password: "not the password" } });
    const unknown = await call("POST", "/api/auth/login", { body: { email: uniqueEmail(), password: PASSWORD } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body!.error.message).toBe(unknown.body!.error.message);
  });
});

describe("sign-in attempts", () => {
  const overrides = (value: Record<string, { requests?: number; windowSeconds?: number }>) => ({ RATE_LIMIT_OVERRIDES: JSON.stringify(value) });
  const login = (email: string, password: string, ip?: string, env?: Record<string, unknown>) =>
    call("POST", "/api/auth/login", { body: { email, password }, ...(ip ? { headers: { "cf-connecting-ip": ip } } : {}), ...(env ? { env } : {}) });

  it("eleven wrong passwords from one source: that source gets 429 with Retry-After, the owner signs in from another", async () => {
    const email = uniqueEmail();
    await register(email);
    const attacker = uniqueIp();
    for (let attempt = 0; attempt < 10; attempt++) expect((await login(email, "wrong password", attacker)).status).toBe(401);
    const refused = await login(email, "wrong password", attacker);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: "RATE_LIMITED", message: expect.stringMatching(/failed sign-in attempts.*retry in \d+ s/) } });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Guessing at speed stays refused from that source, even with the right password.
    expect((await login(email, PASSWORD, attacker)).status).toBe(429);

    const owner = await signInPatiently(email, uniqueIp());
    expect(owner.status).toBe(200);
    expect(owner.body).toMatchObject({ access_token: expect.any(String), user: { email } });
  });

  it("a burst of parallel guesses from one source gets no more tries than one after another", async () => {
    const email = uniqueEmail();
    await register(email);
    const attacker = uniqueIp();
    const answers = await Promise.all(Array.from({ length: 14 }, () => login(email, "wrong password", attacker)));
    expect(answers.filter((answer) => answer.status === 401)).toHaveLength(10);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(4);
  });

  it("count failures, not sign-ins: a source that signs in successfully starts afresh for that address", async () => {
    const email = uniqueEmail();
    await register(email);
    const office = uniqueIp();
    const lowLimit = overrides({ loginFailuresPerIpAndEmail: { requests: 3, windowSeconds: STEADY_WINDOW }, loginFailuresPerIp: { requests: 5, windowSeconds: STEADY_WINDOW } });
    for (let attempt = 0; attempt < 2; attempt++) expect((await login(email, "wrong password", office, lowLimit)).status).toBe(401);
    expect((await login(email, PASSWORD, office, lowLimit)).status).toBe(200);
    // The success cleared the two failures for the address, and successes never count.
    for (let attempt = 0; attempt < 5; attempt++) expect((await login(email, PASSWORD, office, lowLimit)).status).toBe(200);
    for (let attempt = 0; attempt < 2; attempt++) expect((await login(email, "wrong password", office, lowLimit)).status).toBe(401);
    // Two failures before the success, two after, one more: the IP's own budget (5) holds five failures: the next one is refused, whatever the address.
    expect((await login(email, "wrong password", office, lowLimit)).status).toBe(401);
    expect((await login(uniqueEmail(), "wrong password", office, lowLimit)).status).toBe(429);
  });

  it("are limited per IP address across e-mail addresses", async () => {
    const ip = uniqueIp();
    const lowLimit = overrides({ loginFailuresPerIp: { requests: 3, windowSeconds: STEADY_WINDOW } });
    for (let attempt = 0; attempt < 3; attempt++) expect((await login(uniqueEmail(), PASSWORD, ip, lowLimit)).status).toBe(401);
    const limited = await login(uniqueEmail(), PASSWORD, ip, lowLimit);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: "RATE_LIMITED" } });
  });

  // Two free failures for the address, then one attempt per spacing: 4 s (long enough for the next
  // two requests to arrive within it on a busy machine), doubling to at most 16 s.
  const spacedSoon = overrides({ loginFailuresPerEmail: { requests: 2, windowSeconds: STEADY_WINDOW }, loginSpacingPerEmail: { windowSeconds: 16 } });

  /** Signs in as a person would: on 429 waits the Retry-After it was given, once, and tries again. */
  async function signInPatiently(email: string, ip: string, env?: Record<string, unknown>) {
    const first = await login(email, PASSWORD, ip, env);
    if (first.status !== 429) return first;
    const retryAfter = Number(first.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(4);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    return login(email, PASSWORD, ip, env);
  }

  it("guessing one address from many sources: past its free failures, attempts are spaced out with 429 and a short Retry-After", async () => {
    const email = uniqueEmail();
    await register(email);
    for (let attempt = 0; attempt < 2; attempt++) expect((await login(email, "wrong password", uniqueIp(), spacedSoon)).status).toBe(401);
    // The third failure is let through and opens a spacing of 4 s; the next attempt, from anywhere, is refused until it ends.
    expect((await login(email, "wrong password", uniqueIp(), spacedSoon)).status).toBe(401);
    const spaced = await login(email, "wrong password", uniqueIp(), spacedSoon);
    expect(spaced.status).toBe(429);
    expect(spaced.body).toMatchObject({ error: { code: "RATE_LIMITED", message: expect.stringMatching(/failed sign-in attempts for this address.*retry in \d+ s/) } });
    expect(Number(spaced.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(spaced.headers.get("retry-after"))).toBeLessThanOrEqual(4);
    // Even the right password waits for its turn, so that a guess cannot jump the queue.
    expect((await login(email, PASSWORD, uniqueIp(), spacedSoon)).status).toBe(429);
    // The owner is not locked out: one short wait, as Retry-After says.
    expect((await signInPatiently(email, uniqueIp(), spacedSoon)).status).toBe(200);
  });

  it("forty sources guessing one address in parallel: only the free failures and one more reach the password check", async () => {
    const email = uniqueEmail();
    await register(email);
    // A first spacing of 15 s: longer than the burst takes, however slow the machine.
    const longSpacing = overrides({ loginFailuresPerEmail: { requests: 2, windowSeconds: STEADY_WINDOW }, loginSpacingPerEmail: { windowSeconds: 60 } });
    const answers = await Promise.all(Array.from({ length: 40 }, () => login(email, "wrong password", uniqueIp(), longSpacing)));
    expect(answers.filter((answer) => answer.status === 401)).toHaveLength(3);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused).toHaveLength(37);
    for (const answer of refused) {
      expect(answer.body).toMatchObject({ error: { code: "RATE_LIMITED", message: expect.stringMatching(/for this address/) } });
      expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(Number(answer.headers.get("retry-after"))).toBeLessThanOrEqual(15);
    }
  });

  it("counts an IPv6 client's failures by its /48 too: new /64s of one /48 do not start afresh", async () => {
    const site = uniqueIp().split(":").slice(0, 3).join(":");
    const lowLimit = overrides({ loginFailuresPerIp: { requests: 2, windowSeconds: STEADY_WINDOW } });
    // Four /64s of the /48, two failures each: the /48 holds 4 × 2 = 8.
    for (let network = 1; network <= 4; network++) {
      for (let attempt = 0; attempt < 2; attempt++) expect((await login(uniqueEmail(), PASSWORD, `${site}:${network}::1`, lowLimit)).status).toBe(401);
    }
    const refused = await login(uniqueEmail(), PASSWORD, `${site}:5::1`, lowLimit);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: "RATE_LIMITED", message: expect.stringMatching(/from your network/) } });
    expect((await login(uniqueEmail(), PASSWORD, uniqueIp(), lowLimit)).status).toBe(401);
  });

  it("go through when Redis is unreachable rather than locking everyone out", async () => {
    const email = uniqueEmail();
    await register(email);
    const noRedis = { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" };
    expect((await login(email, "wrong password", uniqueIp(), noRedis)).status).toBe(401);
    expect((await login(email, PASSWORD, uniqueIp(), noRedis)).status).toBe(200);
    expect((await login(email, PASSWORD, undefined, noRedis)).status).toBe(200);
  });
});

describe("sign-up", () => {
  const lowLimit = { RATE_LIMIT_OVERRIDES: JSON.stringify({ signUpPerIp: { requests: 2, windowSeconds: STEADY_WINDOW } }) };
  const signUp = (ip: string, env: Record<string, unknown> = lowLimit, password = PASSWORD) =>
    call("POST", "/api/auth/register", { body: { email: uniqueEmail(), password, name: "Pat PM" }, headers: { "cf-connecting-ip": ip }, env });

  it("is limited per IP: past the limit 429 with Retry-After and a clear message; other IPs go on", async () => {
    const ip = uniqueIp();
    for (let attempt = 0; attempt < 2; attempt++) expect((await signUp(ip)).status).toBe(201);
    const refused = await signUp(ip);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: "RATE_LIMITED", message: expect.stringMatching(/Too many accounts were created from your network; retry in \d+ s/) } });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await signUp(uniqueIp())).status).toBe(201);
  });

  it("allows five an hour per IP by default", async () => {
    const ip = uniqueIp();
    // The default window turns on the UTC hour; counting across it would see one call fewer.
    await awayFromWindowBoundary(RATE_LIMIT_POLICIES.signUpPerIp.windowSeconds, 90);
    for (let attempt = 0; attempt < 5; attempt++) expect((await signUp(ip, {})).status).toBe(201);
    expect((await signUp(ip, {})).status).toBe(429);
  }, 150_000); // up to 90 s of it waiting out the hour's turn

  it("does not spend the limit on a refused weak password", async () => {
    const ip = uniqueIp();
    for (let attempt = 0; attempt < 3; attempt++) expect((await signUp(ip, lowLimit, "password12")).status).toBe(400);
    expect((await signUp(ip)).status).toBe(201);
  });

  it("goes through when Redis is unreachable", async () => {
    expect((await signUp(uniqueIp(), { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" })).status).toBe(201);
  });

  it("counts every attempt per IP before checking the password, refused ones included", async () => {
    const ip = uniqueIp();
    const fewAttempts = { RATE_LIMIT_OVERRIDES: JSON.stringify({ signUpAttemptsPerIp: { requests: 3, windowSeconds: STEADY_WINDOW } }) };
    for (let attempt = 0; attempt < 3; attempt++) expect((await signUp(ip, fewAttempts, "password12")).status).toBe(400);
    // The fourth is refused before its password is looked at: a weak one gets 429, not 400.
    const refused = await signUp(ip, fewAttempts, "password12");
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: "RATE_LIMITED", message: expect.stringMatching(/Too many sign-up attempts from your network; retry in \d+ s/) } });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await signUp(ip, fewAttempts)).status).toBe(429);
    expect((await signUp(uniqueIp(), fewAttempts)).status).toBe(201);
  });

  it("allows thirty attempts an hour per IP by default", async () => {
    const ip = uniqueIp();
    await awayFromWindowBoundary(RATE_LIMIT_POLICIES.signUpAttemptsPerIp.windowSeconds, 90);
    for (let attempt = 0; attempt < 30; attempt++) expect((await signUp(ip, {}, "password12")).status).toBe(400);
    expect((await signUp(ip, {}, "password12")).status).toBe(429);
  }, 150_000); // up to 90 s of it waiting out the hour's turn

  it("counts an IPv6 client by its /48 too, under four times the limit", async () => {
    const site = uniqueIp().split(":").slice(0, 3).join(":");
    for (let network = 1; network <= 4; network++) {
      for (let attempt = 0; attempt < 2; attempt++) expect((await signUp(`${site}:${network}::1`)).status).toBe(201);
    }
    expect((await signUp(`${site}:5::1`)).status).toBe(429);
    expect((await signUp(uniqueIp())).status).toBe(201);
  });
});

describe("password strength", () => {
  const signUp = (password: string, email = uniqueEmail()) => call("POST", "/api/auth/register", { body: { email, password, name: "Pat PM" } });

  it.each([
    ["password12", /too easy to guess: .*commonly used password/i],
    ["aaaaaaaaaa", /too easy to guess: .*repeated characters/i],
  ])("refuses %s with 400 saying why", async (password, reason) => {
    const response = await signUp(password);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: "VALIDATION_FAILED", message: expect.stringMatching(reason), details: { field: "password" } } });
  });

  it("refuses a password that is the e-mail address", async () => {
    const email = uniqueEmail();
    const response = await signUp(email, email);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: "VALIDATION_FAILED", message: expect.stringMatching(/too easy to guess: .*personal/i) } });
  });

  it("accepts a passphrase of uncommon words, and the account signs in with it", async () => {
    const email = uniqueEmail();
    const password = "correct horse battery staple violin";
    expect((await signUp(password, email)).status).toBe(201);
    expect((await call("POST", "/api/auth/login", { body: { email, password } })).status).toBe(200);
  });
});

describe("refresh tokens", () => {
  it("rotate: the new pair works, the old refresh token stops working", async () => {
    const session = await register();
    const rotated = await call("POST", "/api/auth/refresh", { body: { refresh_token: session.refresh_token } });
    expect(rotated.status).toBe(200);
    expect(rotated.body!.refresh_token).not.toBe(session.refresh_token);
    expect((await call("GET", "/api/auth/me", { token: rotated.body!.access_token })).status).toBe(200);
    expect((await call("POST", "/api/auth/refresh", { body: { refresh_token: rotated.body!.refresh_token } })).status).toBe(200);
  });

  it("reusing a token rotated longer ago than the grace window revokes the whole family", async () => {
    const session = await register();
    const rotated = (await call("POST", "/api/auth/refresh", { body: { refresh_token: session.refresh_token } })).body as Session;
    await ageRevocation(session.refresh_token, REFRESH_REUSE_GRACE_SECONDS + 1);
    const reuse = await call("POST", "/api/auth/refresh", { body: { refresh_token: session.refresh_token } });
    expect(reuse.status).toBe(401);
    // The legitimate holder's newer token dies with the family: whoever stole the old one is locked out too.
    expect((await call("POST", "/api/auth/refresh", { body: { refresh_token: rotated.refresh_token } })).status).toBe(401);
  });

  it("logout ends the session; logging out twice is harmless", async () => {
    const session = await register();
    expect((await call("POST", "/api/auth/logout", { body: { refresh_token: session.refresh_token } })).status).toBe(204);
    expect((await call("POST", "/api/auth/logout", { body: { refresh_token: session.refresh_token } })).status).toBe(204);
    expect((await call("POST", "/api/auth/refresh", { body: { refresh_token: session.refresh_token } })).status).toBe(401);
  });

  it("logout stops the session's access tokens at once; another session of the same user keeps working", async () => {
    const email = uniqueEmail();
    const first = await register(email);
    const second = (await call("POST", "/api/auth/login", { body: { email, password: PASSWORD } })).body as Session;
    // A rotated pair belongs to the same session: its access token ends with it.
    const rotated = (await call("POST", "/api/auth/refresh", { body: { refresh_token: first.refresh_token } })).body as Session;
    expect((await call("GET", "/api/auth/me", { token: first.access_token })).status).toBe(200);

    expect((await call("POST", "/api/auth/logout", { body: { refresh_token: rotated.refresh_token } })).status).toBe(204);
    for (const token of [first.access_token, rotated.access_token]) {
      const me = await call("GET", "/api/auth/me", { token });
      expect(me.status).toBe(401);
      expect(me.body).toMatchObject({ error: { code: "UNAUTHENTICATED", message: expect.stringContaining("session has ended") } });
    }
    expect((await call("GET", "/api/auth/me", { token: second.access_token })).status).toBe(200);
    expect((await call("POST", "/api/auth/refresh", { body: { refresh_token: second.refresh_token } })).status).toBe(200);
  });

  it("logout with the access token alone ends that session, and only that one", async () => {
    const email = uniqueEmail();
    const first = await register(email);
    const second = (await call("POST", "/api/auth/login", { body: { email, password: PASSWORD } })).body as Session;
    expect((await call("POST", "/api/auth/logout", { token: first.access_token })).status).toBe(204);
    expect((await call("GET", "/api/auth/me", { token: first.access_token })).status).toBe(401);
    expect((await call("POST", "/api/auth/refresh", { body: { refresh_token: first.refresh_token } })).status).toBe(401);
    expect((await call("GET", "/api/auth/me", { token: second.access_token })).status).toBe(200);
  });

  it("logout with neither token, or with only a bad access token, is 401", async () => {
    expect((await call("POST", "/api/auth/logout")).status).toBe(401);
    expect((await call("POST", "/api/auth/logout", { body: {} })).status).toBe(401);
    expect((await call("POST", "/api/auth/logout", { token: "not-a-jwt" })).body).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
  });

  it("reuse detection stops the family's access tokens too", async () => {
    const session = await register();
    const rotated = (await call("POST", "/api/auth/refresh", { body: { refresh_token: session.refresh_token } })).body as Session;
    await ageRevocation(session.refresh_token, REFRESH_REUSE_GRACE_SECONDS + 1);
    expect((await call("POST", "/api/auth/refresh", { body: { refresh_token: session.refresh_token } })).status).toBe(401);
    expect((await call("GET", "/api/auth/me", { token: rotated.access_token })).status).toBe(401);
  });

  it("two concurrent refreshes with the same token both succeed, and the session survives", async () => {
    // Two tabs restoring at once with the refresh token they share.
    const session = await register();
    const [one, two] = await Promise.all([
      call("POST", "/api/auth/refresh", { body: { refresh_token: session.refresh_token } }),
      call("POST", "/api/auth/refresh", { body: { refresh_token: session.refresh_token } }),
    ]);
    expect([one.status, two.status]).toEqual([200, 200]);
    const pairs = [one.body as Session, two.body as Session];
    expect(pairs[0]!.refresh_token).not.toBe(pairs[1]!.refresh_token);
    for (const pair of pairs) expect((await call("GET", "/api/auth/me", { token: pair.access_token })).status).toBe(200);
    for (const pair of pairs) expect((await call("POST", "/api/auth/refresh", { body: { refresh_token: pair.refresh_token } })).status).toBe(200);
  });

  it("a token rotated moments ago (within the grace window) gets another successor of the same session", async () => {
    const session = await register();
    const rotated = (await call("POST", "/api/auth/refresh", { body: { refresh_token: session.refresh_token } })).body as Session;
    await ageRevocation(session.refresh_token, REFRESH_REUSE_GRACE_SECONDS - 5);
    const again = await call("POST", "/api/auth/refresh", { body: { refresh_token: session.refresh_token } });
    expect(again.status).toBe(200);
    expect(decodeJwt(again.body!.access_token as string).sid).toBe(decodeJwt(rotated.access_token).sid);
    // Nothing of the session was revoked: the first successor and its access token still work.
    expect((await call("GET", "/api/auth/me", { token: rotated.access_token })).status).toBe(200);
    expect((await call("POST", "/api/auth/refresh", { body: { refresh_token: rotated.refresh_token } })).status).toBe(200);
    // Logging out with either ends the whole session, the other included.
    expect((await call("POST", "/api/auth/logout", { body: { refresh_token: again.body!.refresh_token } })).status).toBe(204);
    expect((await call("GET", "/api/auth/me", { token: rotated.access_token })).status).toBe(401);
  });

  it("after logout, a token rotated moments ago does not revive the session: 401", async () => {
    const session = await register();
    const rotated = (await call("POST", "/api/auth/refresh", { body: { refresh_token: session.refresh_token } })).body as Session;
    expect((await call("POST", "/api/auth/logout", { body: { refresh_token: rotated.refresh_token } })).status).toBe(204);
    const reuse = await call("POST", "/api/auth/refresh", { body: { refresh_token: session.refresh_token } });
    expect(reuse.status).toBe(401);
    expect(reuse.body).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
    expect((await call("GET", "/api/auth/me", { token: rotated.access_token })).status).toBe(401);
    expect((await call("POST", "/api/auth/refresh", { body: { refresh_token: rotated.refresh_token } })).status).toBe(401);
  });

  it("after logout with the access token alone, a token rotated moments ago does not revive the session either", async () => {
    const session = await register();
    const rotated = (await call("POST", "/api/auth/refresh", { body: { refresh_token: session.refresh_token } })).body as Session;
    expect((await call("POST", "/api/auth/logout", { token: rotated.access_token })).status).toBe(204);
    expect((await call("POST", "/api/auth/refresh", { body: { refresh_token: session.refresh_token } })).status).toBe(401);
    expect((await call("GET", "/api/auth/me", { token: rotated.access_token })).status).toBe(401);
  });
});

describe("access tokens", () => {
  const secret = new TextEncoder().encode((env as unknown as { JWT_SECRET: string }).JWT_SECRET);

  it.each([
    ["no token", undefined],
    ["a malformed token", "not-a-jwt"],
    ["a token signed with another secret", "other"],
    ["an expired token", "expired"],
    ["a token for another audience", "audience"],
    ["an unsigned token (alg none)", "none"],
    ["a token without exp, otherwise valid", "no-exp"],
    ["a token without iat, otherwise valid", "no-iat"],
    ["a token without a session (sid), otherwise valid", "no-sid"],
  ])("rejects %s with 401", async (_name, kind) => {
    const session = await register();
    let token: string | undefined = kind;
    const sid = decodeJwt(session.access_token).sid as string;
    const claims = (payload: Record<string, unknown> = { sid }) => new SignJWT(payload).setProtectedHeader({ alg: "HS256" }).setSubject(session.user.id).setIssuer("xr2").setAudience("xr2-api");
    if (kind === "no-exp") token = await claims().setIssuedAt().sign(secret);
    if (kind === "no-iat") token = await claims().setExpirationTime("5m").sign(secret);
    if (kind === "no-sid") token = await claims({}).setIssuedAt().setExpirationTime("5m").sign(secret);
    if (kind === "other") token = await claims().setExpirationTime("5m").sign(new TextEncoder().encode("another-secret-that-is-long-enough-000000"));
    if (kind === "expired") token = await claims().setIssuedAt(Math.floor(Date.now() / 1000) - 3600).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(secret);
    if (kind === "audience") token = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(session.user.id).setIssuer("xr2").setAudience("someone-else").setExpirationTime("5m").sign(secret);
    if (kind === "none") {
      const encode = (value: object) => btoa(JSON.stringify(value)).replaceAll("=", "").replaceAll("+", "-").replaceAll("/", "_");
      token = `${encode({ alg: "none", typ: "JWT" })}.${encode({ sub: session.user.id, iss: "xr2", aud: "xr2-api", exp: Math.floor(Date.now() / 1000) + 300 })}.`;
    }
    const response = await call("GET", "/api/auth/me", token === undefined ? {} : { token });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
  });

  it("accepts the same forgery with every required claim, so the refusals above are for the claim they omit", async () => {
    const session = await register();
    const sid = decodeJwt(session.access_token).sid as string;
    const token = await new SignJWT({ sid }).setProtectedHeader({ alg: "HS256" }).setSubject(session.user.id).setIssuer("xr2").setAudience("xr2-api").setIssuedAt().setExpirationTime("5m").sign(secret);
    expect((await call("GET", "/api/auth/me", { token })).status).toBe(200);
  });
});

describe("bad input never answers 500", () => {
  it.each([
    ["malformed JSON", { rawBody: "{not json" }],
    ["wrong types", { body: { email: 42, password: true, name: [] } }],
    ["an unknown field", { body: { email: "a@example.com", password: PASSWORD, name: "A", role: "admin" } }],
    ["a missing body", {}],
    ["a short password", { body: { email: "a@example.com", password: "short", name: "A" } }],
    ["an invalid e-mail", { body: { email: "not-an-email", password: PASSWORD, name: "A" } }],
  ])("%s → 400 JSON", async (_name, opts) => {
    const response = await call("POST", "/api/auth/register", opts);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: expect.stringMatching(/^(VALIDATION_FAILED|BAD_REQUEST)$/), request_id: expect.any(String) } });
  });

  it("a non-JSON content type → 415 JSON", async () => {
    const response = await call("POST", "/api/auth/register", { rawBody: "email=a", contentType: "application/x-www-form-urlencoded" });
    expect(response.status).toBe(415);
    expect(response.body).toMatchObject({ error: { code: "UNSUPPORTED_MEDIA_TYPE", request_id: expect.any(String) } });
  });
});

describe("OpenAPI", () => {
  it("documents the auth routes with their error responses", async () => {
    const response = await call("GET", "/api/openapi.json");
    expect(response.status).toBe(200);
    const paths = response.body!.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(["/api/auth/register", "/api/auth/login", "/api/auth/refresh", "/api/auth/logout", "/api/auth/me"]));
    expect(Object.keys(paths["/api/auth/register"]!.post!.responses)).toEqual(expect.arrayContaining(["201", "400", "409", "413", "429"]));
  });
});
