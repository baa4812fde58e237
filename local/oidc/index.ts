// A fake OpenID provider for tests only: a stand-in for Google's sign-in that production never
// talks to. It speaks the authorization-code flow the API worker uses (arctic's OAuth2Client):
// /authorize approves at once as a test user and redirects back with `code` and `state`;
// /token checks the client credentials, the code (single use, 60 s), the redirect URI and the
// PKCE verifier (S256 only), then answers with an RS256 ID token and an access token.
// Discovery (/.well-known/openid-configuration) and /jwks are served so the tokens can be
// verified like Google's.
//
// Test-only knobs on /authorize: `login_hint` sets the e-mail address, and `test_claims` (a JSON
// object) is merged over the ID token's claims — to sign in as another `sub`, with
// `email_verified: false`, or with a wrong `iss`, `aud` or `exp`; a `null` removes the claim.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { HttpError, readBody } from "../http.ts";

export interface OidcTestUser {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
}

export interface FakeOidcOptions {
  clientId: string;
  clientSecret: string;
  /** /authorize refuses any other redirect_uri, as Google does for unregistered ones. */
  redirectUris: string[];
  /** Who /authorize signs in as when the request does not say. */
  defaultUser?: OidcTestUser;
  /** 0 or undefined: a free port. */
  port?: number;
}

export interface FakeOidcProvider {
  issuer: string;
  authorizationUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  close(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  claims: Record<string, unknown>;
  expiresAt: number;
}

const CODE_TTL_MS = 60_000;
const base64url = (bytes: Buffer) => bytes.toString("base64url");
const sameSecret = (a: string, b: string) => timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());

export async function startFakeOidc(options: FakeOidcOptions): Promise<FakeOidcProvider> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const kid = base64url(randomBytes(8));
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  const defaultUser = options.defaultUser ?? { sub: "100000000000000000001", email: "test.user@example.com", email_verified: true, name: "Test User" };
  const codes = new Map<string, PendingCode>();
  let issuer = "";

  function authorize(url: URL, res: ServerResponse): void {
    const param = (name: string) => url.searchParams.get(name) ?? "";
    // Errors before the redirect URI is known good are shown here, never sent to it.
    if (param("client_id") !== options.clientId) throw new HttpError(400, "unknown client_id");
    if (!options.redirectUris.includes(param("redirect_uri"))) throw new HttpError(400, "redirect_uri is not registered");
    const back = new URL(param("redirect_uri"));
    if (url.searchParams.has("state")) back.searchParams.set("state", param("state"));
    const refuse = (error: string) => {
      back.searchParams.set("error", error);
      res.writeHead(302, { location: back.toString() }).end();
    };
    if (param("response_type") !== "code") return refuse("unsupported_response_type");
    if (!param("scope").split(" ").includes("openid")) return refuse("invalid_scope");
    if (param("code_challenge_method") !== "S256" || !/^[A-Za-z0-9_-]{43}$/.test(param("code_challenge"))) return refuse("invalid_request");
    let overrides: Record<string, unknown> = {};
    if (url.searchParams.has("test_claims")) {
      const parsed: unknown = JSON.parse(param("test_claims"));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new HttpError(400, "test_claims must be a JSON object");
      overrides = parsed as Record<string, unknown>;
    }
    const code = base64url(randomBytes(32));
    codes.set(code, {
      clientId: options.clientId,
      redirectUri: param("redirect_uri"),
      codeChallenge: param("code_challenge"),
      claims: Object.fromEntries(
        Object.entries({ ...defaultUser, ...(url.searchParams.has("login_hint") ? { email: param("login_hint") } : {}), ...overrides }).filter(([, value]) => value !== null),
      ),
      expiresAt: Date.now() + CODE_TTL_MS,
    });
    back.searchParams.set("code", code);
    res.writeHead(302, { location: back.toString() }).end();
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams((await readBody(req, 16 * 1024)).toString("utf8"));
    let clientId = form.get("client_id") ?? "";
    let clientSecret = form.get("client_secret") ?? "";
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "");
    if (basic?.[1]) {
      const credentials = Buffer.from(basic[1], "base64").toString("utf8");
      [clientId, clientSecret] = [credentials.slice(0, credentials.indexOf(":")), credentials.slice(credentials.indexOf(":") + 1)];
    }
    if (clientId !== options.clientId || !sameSecret(clientSecret, options.clientSecret)) return sendJson(res, 401, { error: "invalid_client" });
    if (form.get("grant_type") !== "authorization_code") return sendJson(res, 400, { error: "unsupported_grant_type" });
    const code = form.get("code") ?? "";
    const pending = codes.get(code);
    codes.delete(code); // single use, whatever happens next
    const invalidGrant = (why: string) => sendJson(res, 400, { error: "invalid_grant", error_description: why });
    if (!pending || pending.expiresAt < Date.now()) return invalidGrant("unknown, used or expired code");
    if (pending.redirectUri !== form.get("redirect_uri")) return invalidGrant("redirect_uri does not match the authorization request");
    const challenge = base64url(createHash("sha256").update(form.get("code_verifier") ?? "").digest());
    if (!sameSecret(challenge, pending.codeChallenge)) return invalidGrant("PKCE verification failed");
    const now = Math.floor(Date.now() / 1000);
    const idToken = await new SignJWT({ iss: issuer, aud: options.clientId, azp: options.clientId, iat: now, exp: now + 3600, ...pending.claims })
      .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
      .sign(privateKey);
    sendJson(res, 200, { access_token: `fake-${base64url(randomBytes(24))}`, token_type: "Bearer", expires_in: 3599, scope: "openid email profile", id_token: idToken });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const route = `${req.method} ${url.pathname}`;
    const handled =
      route === "GET /authorize" ? Promise.resolve().then(() => authorize(url, res))
      : route === "POST /token" ? token(req, res)
      : route === "GET /jwks" ? Promise.resolve(sendJson(res, 200, { keys: [jwk] }))
      : route === "GET /.well-known/openid-configuration" ? Promise.resolve(sendJson(res, 200, discovery(issuer)))
      : Promise.reject(new HttpError(404, `no route for ${route}`));
    handled.catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      const status = error instanceof HttpError ? error.status : 400;
      sendJson(res, status, { error: "invalid_request", error_description: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.port ?? 0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    authorizationUrl: `${issuer}/authorize`,
    tokenUrl: `${issuer}/token`,
    jwksUrl: `${issuer}/jwks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function discovery(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ["code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    scopes_supported: ["openid", "email", "profile"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    code_challenge_methods_supported: ["S256"],
    claims_supported: ["iss", "aud", "sub", "exp", "iat", "email", "email_verified", "name"],
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(json) });
  res.end(json);
}
