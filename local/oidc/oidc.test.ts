// The fake OpenID provider keeps the promises the API's tests rely on: it refuses what Google
// would refuse (wrong client, unregistered redirect, wrong PKCE verifier, reused code), and its
// ID tokens verify against its own discovery document and JWKS.
import { createHash, randomBytes } from "node:crypto";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOidc, type FakeOidcProvider } from "./index.ts";

const CLIENT = { id: "client-1", secret: "secret-1", redirectUri: "https://app.test/callback" };
let provider: FakeOidcProvider;

beforeAll(async () => {
  provider = await startFakeOidc({ clientId: CLIENT.id, clientSecret: CLIENT.secret, redirectUris: [CLIENT.redirectUri] });
});
afterAll(() => provider.close());

async function authorize(overrides: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL(provider.authorizationUrl);
  const params = {
    response_type: "code",
    client_id: CLIENT.id,
    redirect_uri: CLIENT.redirectUri,
    scope: "openid email profile",
    state: "state-1",
    code_challenge_method: "S256",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    ...overrides,
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  const response = await fetch(url, { redirect: "manual" });
  return { response, verifier, location: response.headers.get("location") ? new URL(response.headers.get("location")!) : null };
}

function token(code: string, verifier: string, opts: { secret?: string; redirectUri?: string } = {}) {
  return fetch(provider.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${CLIENT.id}:${opts.secret ?? CLIENT.secret}`).toString("base64")}` },
    body: new URLSearchParams({ grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: opts.redirectUri ?? CLIENT.redirectUri }),
  });
}

describe("fake OpenID provider", () => {
  it("issues an RS256 ID token that verifies against its discovery document's JWKS", async () => {
    const discovery = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string; token_endpoint: string };
    expect(discovery).toMatchObject({ issuer: provider.issuer, token_endpoint: provider.tokenUrl, jwks_uri: provider.jwksUrl });

    const { location, verifier } = await authorize({ login_hint: "ada@example.com", test_claims: JSON.stringify({ sub: "sub-ada", name: null }) });
    expect(location?.origin + location!.pathname).toBe(CLIENT.redirectUri);
    expect(location?.searchParams.get("state")).toBe("state-1");
    const response = await token(location!.searchParams.get("code")!, verifier);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id_token: string; access_token: string };
    const { payload } = await jwtVerify(body.id_token, createRemoteJWKSet(new URL(discovery.jwks_uri)), { issuer: provider.issuer, audience: CLIENT.id, algorithms: ["RS256"] });
    expect(payload).toMatchObject({ sub: "sub-ada", email: "ada@example.com", email_verified: true });
    expect(payload).not.toHaveProperty("name");
  });

  it("refuses an unknown client or an unregistered redirect URI on /authorize, without redirecting", async () => {
    expect((await authorize({ client_id: "other" })).response.status).toBe(400);
    expect((await authorize({ redirect_uri: "https://evil.example/callback" })).response.status).toBe(400);
  });

  it("sends a request without an S256 challenge back with an error", async () => {
    const { location } = await authorize({ code_challenge_method: "plain" });
    expect(location?.searchParams.get("error")).toBe("invalid_request");
    expect(location?.searchParams.has("code")).toBe(false);
  });

  it("refuses a wrong client secret, a wrong verifier, another redirect URI and a used code", async () => {
    const wrongSecret = await authorize();
    expect((await token(wrongSecret.location!.searchParams.get("code")!, wrongSecret.verifier, { secret: "nope" })).status).toBe(401);

    const wrongVerifier = await authorize();
    const refused = await token(wrongVerifier.location!.searchParams.get("code")!, randomBytes(32).toString("base64url"));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: "invalid_grant", error_description: "PKCE verification failed" });

    const otherRedirect = await authorize();
    expect((await token(otherRedirect.location!.searchParams.get("code")!, otherRedirect.verifier, { redirectUri: "https://app.test/other" })).status).toBe(400);

    const once = await authorize();
    const code = once.location!.searchParams.get("code")!;
    expect((await token(code, once.verifier)).status).toBe(200);
    expect((await token(code, once.verifier)).status).toBe(400);
  });
});
