/**
 * Google sign-in end to end: the API worker in workerd, the fake OpenID provider of
 * local/oidc in Node (started by the global setup), redirects followed by hand the way a browser
 * would, cookies carried by hand.
 */
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { auditLog, oauthAccounts, users } from "@xr2/db/schema";
import { newId } from "@xr2/shared";
import { createApiApp } from "../../app.ts";
import { s256Challenge } from "../../services/auth/google-hand-off.ts";
import { sealSignInState } from "../../services/auth/google-sign-in-state.ts";
import { testContext } from "../../testing/fixtures.ts";
import { call, registerUser, TEST_PASSWORD, uniqueEmail } from "../../testing/http.ts";
import { linkIn, listMail, waitForMail } from "../../testing/inbox.ts";
import { productionSecrets } from "../../testing/production-secrets.ts";

const bindings = env as unknown as Record<string, string>;
const SITE = "https://site.test";

interface SendOptions {
  method?: string;
  cookie?: string | undefined;
  body?: unknown;
  /** Merged over the test bindings; `undefined` removes a setting. */
  env?: Record<string, string | undefined>;
}

async function send(path: string, opts: SendOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const ctx = createExecutionContext();
  const response = await createApiApp().fetch(
    new Request(`https://api.test${path}`, { method: opts.method ?? "GET", headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }),
    opts.env ? { ...env, ...opts.env } : env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

const randomVerifier = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/** The site's part, then GET /api/auth/google: what the browser holds afterwards. */
async function start(opts: { redirectTo?: string; env?: SendOptions["env"] } = {}) {
  const verifier = randomVerifier();
  const query = new URLSearchParams({ code_challenge: await s256Challenge(verifier), ...(opts.redirectTo === undefined ? {} : { redirect_to: opts.redirectTo }) });
  const response = await send(`/api/auth/google?${query}`, { env: opts.env });
  expect(response.status, await response.clone().text()).toBe(302);
  const setCookie = response.headers.get("set-cookie") ?? "";
  return { verifier, authorizationUrl: new URL(response.headers.get("location")!), setCookie, cookie: setCookie.split(";")[0]! };
}

/** The provider approves as `claims` and sends the browser back: the callback URL. */
async function approve(authorizationUrl: URL, claims: Record<string, unknown>): Promise<URL> {
  const url = new URL(authorizationUrl);
  url.searchParams.set("test_claims", JSON.stringify(claims));
  const response = await fetch(url, { redirect: "manual" });
  expect(response.status, await response.text()).toBe(302);
  return new URL(response.headers.get("location")!);
}

const callback = (url: URL, cookie: string | undefined, opts: SendOptions = {}) => send(`${url.pathname}${url.search}`, { ...opts, cookie });

async function exchange(code: string, verifier: string) {
  return send("/api/auth/google/exchange", { method: "POST", body: { code, code_verifier: verifier } });
}

const handOffCode = (location: string) => new URLSearchParams(new URL(location).hash.slice(1)).get("code")!;

const newIdentity = () => ({ sub: `g-${crypto.randomUUID()}`, email: uniqueEmail(), name: "Gail Google", email_verified: true });

/** The whole flow; returns the exchange's answer. */
async function signIn(claims: Record<string, unknown>, redirectTo?: string) {
  const flow = await start(redirectTo === undefined ? {} : { redirectTo });
  const back = await callback(await approve(flow.authorizationUrl, claims), flow.cookie);
  expect(back.status, await back.clone().text()).toBe(302);
  const response = await exchange(handOffCode(back.headers.get("location")!), flow.verifier);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as { access_token: string; refresh_token: string; redirect_to: string; user: { id: string; email: string; name: string } };
}

const db = () => testContext().http();

/** The owner of the address uses the link of the verification e-mail sign-up sent. */
async function verifyAddress(email: string): Promise<void> {
  const link = linkIn(await waitForMail(email, { subject: /Confirm your e-mail address/ }), "/verify-email");
  const verified = await call("POST", "/api/auth/verify-email", { body: { token: link.searchParams.get("token") } });
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
}

describe("Google sign-in through the fake provider", () => {
  it("signs up a new user: state and PKCE to the provider, a one-time code in the site's fragment, a session from the exchange", async () => {
    const identity = newIdentity();
    const flow = await start({ redirectTo: "/prompts?tab=versions" });
    expect(flow.authorizationUrl.origin + flow.authorizationUrl.pathname).toBe(bindings.GOOGLE_AUTHORIZATION_URL);
    const params = Object.fromEntries(flow.authorizationUrl.searchParams);
    expect(params).toMatchObject({ response_type: "code", client_id: bindings.GOOGLE_CLIENT_ID, redirect_uri: bindings.GOOGLE_REDIRECT_URI, scope: "openid email profile", code_challenge_method: "S256" });
    expect(params.state).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(flow.setCookie).toMatch(/^__Host-xr2-google-sign-in=/);
    for (const attribute of ["HttpOnly", "Secure", "SameSite=Lax", "Max-Age=600", "Path=/"]) expect(flow.setCookie).toContain(attribute);

    const back = await callback(await approve(flow.authorizationUrl, identity), flow.cookie);
    expect(back.status).toBe(302);
    const location = back.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^${SITE}/auth/callback#code=[A-Za-z0-9_-]{43}$`));
    expect(back.headers.get("set-cookie")).toMatch(/^__Host-xr2-google-sign-in=; Max-Age=0/);

    const response = await exchange(handOffCode(location), flow.verifier);
    expect(response.status).toBe(200);
    const session = (await response.json()) as { access_token: string; redirect_to: string; user: { id: string; email: string; name: string } };
    expect(session.redirect_to).toBe("/prompts?tab=versions");
    expect(session.user).toMatchObject({ email: identity.email, name: "Gail Google", id: expect.stringMatching(/^usr_/) });
    expect((await call("GET", "/api/auth/me", { token: session.access_token })).body).toMatchObject({ id: session.user.id, email: identity.email });

    const [account] = await db().select().from(oauthAccounts).where(eq(oauthAccounts.providerAccountId, identity.sub));
    expect(account).toMatchObject({ userId: session.user.id, provider: "google", email: identity.email, id: expect.stringMatching(/^oa_/) });
    const [user] = await db().select().from(users).where(eq(users.id, session.user.id));
    expect(user?.passwordHash).toBeNull();
    expect((await call("POST", "/api/auth/login", { body: { email: identity.email, password: TEST_PASSWORD } })).status).toBe(401);
  });

  it("finds the same user on the next sign-in, by Google's sub even after the address changed", async () => {
    const identity = newIdentity();
    const first = await signIn(identity);
    const again = await signIn(identity);
    expect(again.user.id).toBe(first.user.id);
    const renamed = await signIn({ ...identity, email: uniqueEmail() });
    expect(renamed.user.id).toBe(first.user.id);
    expect(await db().select().from(oauthAccounts).where(eq(oauthAccounts.userId, first.user.id))).toHaveLength(1);
  });

  it("links an existing e-mail/password account whose owner verified the address, keeps its password, and audits the link", async () => {
    const registered = await registerUser();
    await verifyAddress(registered.user.email);
    const session = await signIn({ ...newIdentity(), email: registered.user.email.toUpperCase() });
    expect(session.user.id).toBe(registered.user.id);
    expect((await call("POST", "/api/auth/login", { body: { email: registered.user.email, password: TEST_PASSWORD } })).status).toBe(200);
    const audit = await db().select().from(auditLog).where(and(eq(auditLog.targetId, registered.user.id), eq(auditLog.action, "user.oauth_linked")));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ workspaceId: null, actorUserId: registered.user.id, after: { provider: "google" } });
  });

  it("gives a new Google account a verified address", async () => {
    const session = await signIn(newIdentity());
    expect((await call("GET", "/api/auth/me", { token: session.access_token })).body).toMatchObject({ email_verified: true });
  });

  it("takes a squatted account back: the real owner's verified Google sign-in ends the squatter's password and sessions", async () => {
    const victim = newIdentity();
    // Someone who does not own the address registers with it, and stays signed in.
    const squatter = await registerUser(victim.email, "Squatter");
    const squatterLogin = await call("POST", "/api/auth/login", { body: { email: victim.email, password: TEST_PASSWORD } });
    expect(squatterLogin.status).toBe(200);

    const owner = await signIn(victim);
    expect(owner.user.id).toBe(squatter.user.id);
    expect((await call("GET", "/api/auth/me", { token: owner.access_token })).body).toMatchObject({ email: victim.email, email_verified: true });

    const refused = await call("POST", "/api/auth/login", { body: { email: victim.email, password: TEST_PASSWORD } });
    expect(refused.status).toBe(401);
    for (const session of [squatter, squatterLogin.body as typeof squatter]) {
      expect((await call("GET", "/api/auth/me", { token: session.access_token })).status).toBe(401);
      expect((await call("POST", "/api/auth/refresh", { body: { refresh_token: session.refresh_token } })).status).toBe(401);
    }
    // The verification link the squatter may hold no longer works either.
    const link = linkIn(await waitForMail(victim.email, { subject: /Confirm your e-mail address/ }), "/verify-email");
    expect((await call("POST", "/api/auth/verify-email", { body: { token: link.searchParams.get("token") } })).status).toBe(400);

    const [user] = await db().select().from(users).where(eq(users.id, owner.user.id));
    expect(user).toMatchObject({ passwordHash: null, emailVerifiedAt: expect.any(Date) });
    const audit = await db().select().from(auditLog).where(and(eq(auditLog.targetId, owner.user.id), eq(auditLog.action, "user.taken_over_by_address_owner")));
    expect(audit).toEqual([
      expect.objectContaining({
        workspaceId: null,
        before: { email_verified: false, has_password: true },
        after: expect.objectContaining({ provider: "google", email: victim.email, has_password: false, refresh_tokens_revoked: 2 }),
      }),
    ]);
    // The owner stays signed in, and a later Google sign-in changes nothing more.
    expect((await call("GET", "/api/auth/me", { token: owner.access_token })).status).toBe(200);
    expect((await signIn(victim)).user.id).toBe(owner.user.id);
    expect(await db().select().from(auditLog).where(and(eq(auditLog.targetId, owner.user.id), eq(auditLog.action, "user.taken_over_by_address_owner")))).toHaveLength(1);
    // The address is told once, with what to do if it was not them.
    const notices = (await listMail(victim.email)).filter((message) => /Your xR2 password sign-in was removed/.test(message.subject));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain("signed in to xR2 with Google");
    expect(notices[0]!.text).toContain("If it was not");
  });

  it("takes over an unverified account linked before addresses were verified, on its next sign-in", async () => {
    const identity = newIdentity();
    const registered = await registerUser(identity.email);
    const ctx = testContext();
    await ctx.db().insert(oauthAccounts).values({ id: newId("oauthAccount"), userId: registered.user.id, provider: "google", providerAccountId: identity.sub, email: identity.email });
    await ctx.dispose();
    const session = await signIn(identity);
    expect(session.user.id).toBe(registered.user.id);
    expect((await call("POST", "/api/auth/login", { body: { email: identity.email, password: TEST_PASSWORD } })).status).toBe(401);
    expect((await call("GET", "/api/auth/me", { token: registered.access_token })).status).toBe(401);
    expect((await call("GET", "/api/auth/me", { token: session.access_token })).body).toMatchObject({ email_verified: true });
  });

  it("defaults redirect_to to /", async () => {
    expect((await signIn(newIdentity())).redirect_to).toBe("/");
  });
});

describe("Google sign-in refuses", () => {
  it("a callback whose state is not this browser's (400)", async () => {
    const mine = await start();
    const theirs = await start();
    const response = await callback(await approve(theirs.authorizationUrl, newIdentity()), mine.cookie);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("state does not match") });
    // The cookie is spent either way: the browser is told to forget it.
    expect(response.headers.get("set-cookie")).toMatch(/^__Host-xr2-google-sign-in=; Max-Age=0/);
  });

  it("a callback without the cookie, with an expired one, a tampered one, or an access token in its place (400)", async () => {
    const flow = await start();
    const back = await approve(flow.authorizationUrl, newIdentity());
    const state = back.searchParams.get("state")!;
    const cookieName = flow.cookie.split("=")[0]!;
    const expired = await sealSignInState(bindings.JWT_SECRET!, { state, codeVerifier: "v".repeat(43), redirectTo: "/", handOffChallenge: "c".repeat(43) }, Date.now() - 11 * 60_000);
    const tampered = flow.cookie.slice(0, -2) + (flow.cookie.endsWith("AA") ? "BB" : "AA");
    const accessToken = (await registerUser()).access_token;

    const missing = await callback(back, undefined);
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).message).toContain("cookie is missing");
    const old = await callback(back, `${cookieName}=${expired}`);
    expect(old.status).toBe(400);
    expect((await errorOf(old)).message).toContain("10 minutes");
    expect((await callback(back, tampered)).status).toBe(400);
    expect((await callback(back, `${cookieName}=${accessToken}`)).status).toBe(400);
    // The genuine cookie still works for this code: nothing above reached the provider.
    expect((await callback(back, flow.cookie)).status).toBe(302);
  });

  it("a code issued for another PKCE challenge: the provider refuses the exchange (401)", async () => {
    const attacker = await start();
    const victim = await start();
    const stolen = await approve(attacker.authorizationUrl, newIdentity());
    const injected = new URL(stolen);
    injected.searchParams.set("state", victim.authorizationUrl.searchParams.get("state")!);
    const response = await callback(injected, victim.cookie);
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringContaining("invalid_grant") });
  });

  it("a replayed callback: the provider's code works once (401)", async () => {
    const flow = await start();
    const back = await approve(flow.authorizationUrl, newIdentity());
    expect((await callback(back, flow.cookie)).status).toBe(302);
    expect((await callback(back, flow.cookie)).status).toBe(401);
  });

  it.each([
    ["false", false],
    ["the string false", "false"],
    ["absent", null],
  ])("an e-mail address Google has not verified (email_verified %s → 403), creating nobody", async (_name, verified) => {
    const identity = { ...newIdentity(), email_verified: verified };
    const flow = await start();
    const response = await callback(await approve(flow.authorizationUrl, identity), flow.cookie);
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("not verified") });
    expect(await db().select().from(oauthAccounts).where(eq(oauthAccounts.providerAccountId, identity.sub))).toHaveLength(0);
  });

  it.each([
    ["another issuer", { iss: "https://evil.example" }],
    ["another audience", { aud: "someone-else.apps.googleusercontent.com" }],
    ["several audiences, authorized party not us", { aud: [bindings.GOOGLE_CLIENT_ID, "other"], azp: "other" }],
    ["an expired token", { exp: Math.floor(Date.now() / 1000) - 60 }],
    ["no e-mail", { email: null }],
  ])("an ID token with %s (401)", async (_name, claims) => {
    const flow = await start();
    const response = await callback(await approve(flow.authorizationUrl, { ...newIdentity(), ...claims }), flow.cookie);
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("a sign-in the user cancelled at Google (401)", async () => {
    const flow = await start();
    const query = new URLSearchParams({ state: flow.authorizationUrl.searchParams.get("state")!, error: "access_denied" });
    const response = await send(`/api/auth/google/callback?${query}`, { cookie: flow.cookie });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).message).toContain("access_denied");
  });

  it("a disabled account (401)", async () => {
    const identity = newIdentity();
    const { user } = await signIn(identity);
    await db().update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    const flow = await start();
    const response = await callback(await approve(flow.authorizationUrl, identity), flow.cookie);
    expect(response.status).toBe(401);
  });

  it.each([
    ["another site", "https://evil.example/x"],
    ["a protocol-relative URL", "//evil.example/x"],
    ["a backslash", "/\\evil.example"],
    ["a tab", "/\t/evil.example"],
    ["a script", "javascript:alert(1)"],
    ["a relative path", "prompts"],
  ])("redirect_to with %s: 400 and no cookie (open redirect)", async (_name, redirectTo) => {
    const query = new URLSearchParams({ code_challenge: await s256Challenge(randomVerifier()), redirect_to: redirectTo });
    const response = await send(`/api/auth/google?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it.each([
    ["no code_challenge", ""],
    ["a short code_challenge", "code_challenge=abc"],
    ["an unknown parameter", `code_challenge=${"a".repeat(43)}&extra=1`],
    ["a huge redirect_to", `code_challenge=${"a".repeat(43)}&redirect_to=/${"a".repeat(600)}`],
  ])("a start with %s (400)", async (_name, query) => {
    const response = await send(`/api/auth/google?${query}`);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "VALIDATION_FAILED" });
  });
});

describe("the hand-off code", () => {
  async function handOff() {
    const flow = await start();
    const back = await callback(await approve(flow.authorizationUrl, newIdentity()), flow.cookie);
    return { code: handOffCode(back.headers.get("location")!), verifier: flow.verifier };
  }

  it("works once", async () => {
    const { code, verifier } = await handOff();
    expect((await exchange(code, verifier)).status).toBe(200);
    const again = await exchange(code, verifier);
    expect(again.status).toBe(401);
    expect((await errorOf(again)).message).toContain("used or expired");
  });

  it("needs the verifier of the tab that started the sign-in, and a wrong one burns the code", async () => {
    const { code, verifier } = await handOff();
    const wrong = await exchange(code, randomVerifier());
    expect(wrong.status).toBe(401);
    expect((await errorOf(wrong)).message).toContain("verifier");
    expect((await exchange(code, verifier)).status).toBe(401);
  });

  it.each([
    ["an unknown code", { code: "nope", code_verifier: "v".repeat(43) }, 401],
    ["a short verifier", { code: "nope", code_verifier: "v" }, 400],
    ["an unknown field", { code: "nope", code_verifier: "v".repeat(43), user_id: "usr_1" }, 400],
    ["wrong types", { code: 1, code_verifier: [] }, 400],
  ])("answers %s with %s", async (_name, body, status) => {
    expect((await send("/api/auth/google/exchange", { method: "POST", body })).status).toBe(status);
  });
});

describe("Google sign-in configuration", () => {
  // Without SITE_URL e-mail cannot be configured either (its links are built on it): both off.
  const mailOff = { RESEND_API_KEY: undefined, MAIL_FROM: undefined };
  const off = { GOOGLE_CLIENT_ID: undefined, GOOGLE_CLIENT_SECRET: undefined, GOOGLE_REDIRECT_URI: undefined, SITE_URL: undefined, ...mailOff };

  it("answers 404 on every Google route when it is not configured", async () => {
    const challenge = await s256Challenge(randomVerifier());
    for (const response of [
      await send(`/api/auth/google?code_challenge=${challenge}`, { env: off }),
      await send("/api/auth/google/callback?state=x&code=y", { env: off }),
      await send("/api/auth/google/exchange", { method: "POST", body: { code: "x", code_verifier: "v".repeat(43) }, env: off }),
    ]) {
      expect(response.status).toBe(404);
      expect(await errorOf(response)).toMatchObject({ code: "NOT_FOUND", message: "Google sign-in is not enabled on this server" });
    }
    // The rest of the API is unaffected.
    expect((await send("/api/auth/me", { env: off })).status).toBe(401);
  });

  it("is off, not half-configured, when SITE_URL is set without the Google credentials (e-mail links need it alone)", async () => {
    const response = await send(`/api/auth/google?code_challenge=${"a".repeat(43)}`, { env: { ...off, SITE_URL: "https://site.test" } });
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toMatchObject({ code: "NOT_FOUND" });
  });

  it("GET /api/auth/providers says whether Google sign-in is on (public; half-configured counts as off)", async () => {
    const read = async (overrides?: SendOptions["env"]) => {
      const response = await send("/api/auth/providers", overrides ? { env: overrides } : {});
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store");
      return response.json();
    };
    expect(await read()).toEqual({ password: true, google: true });
    expect(await read(off)).toEqual({ password: true, google: false });
    expect(await read({ SITE_URL: undefined, ...mailOff })).toEqual({ password: true, google: false });
  });

  it.each([
    ["half-configured", { GOOGLE_CLIENT_SECRET: undefined, SITE_URL: undefined, ...mailOff }, "set GOOGLE_CLIENT_SECRET, SITE_URL"],
    ["pointed at another provider in production", productionSecrets(), "must not be set in production"],
    ["given only some endpoint overrides", { GOOGLE_ISSUER: undefined }, "Set all of"],
    ["given a plain-http callback off this machine", { GOOGLE_REDIRECT_URI: "http://api.example/api/auth/google/callback" }, "must be https"],
  ])("answers 500 MISCONFIGURED when %s", async (_name, overrides, message) => {
    const response = await send(`/api/auth/google?code_challenge=${"a".repeat(43)}`, { env: overrides });
    expect(response.status).toBe(500);
    expect(await errorOf(response)).toMatchObject({ code: "MISCONFIGURED", message: expect.stringContaining(message) });
  });

  it("answers 500 MISCONFIGURED when the provider refuses the client secret", async () => {
    const wrongSecret = { GOOGLE_CLIENT_SECRET: "not-the-secret" };
    const flow = await start({ env: wrongSecret });
    const response = await callback(await approve(flow.authorizationUrl, newIdentity()), flow.cookie, { env: wrongSecret });
    expect(response.status).toBe(500);
    expect((await errorOf(response)).message).toContain("client credentials");
  });

  it("drops Secure and the __Host- prefix only for a plain-http callback on 127.0.0.1", async () => {
    const flow = await start({ env: { GOOGLE_REDIRECT_URI: "http://127.0.0.1:8788/api/auth/google/callback" } });
    expect(flow.setCookie).toMatch(/^xr2-google-sign-in=/);
    expect(flow.setCookie).not.toContain("Secure");
    expect(flow.setCookie).toContain("HttpOnly");
  });

  it("documents the Google routes in the OpenAPI document", async () => {
    const paths = (await call("GET", "/api/openapi.json")).body!.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    expect(paths["/api/auth/google"]?.get?.responses).toHaveProperty("302");
    expect(paths["/api/auth/google/callback"]?.get?.responses).toHaveProperty("403");
    expect(paths["/api/auth/google/exchange"]?.post?.responses).toHaveProperty("200");
  });
});
