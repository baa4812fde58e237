/**
 * The management API's security suite, generated from the app itself so that a new route cannot
 * skip it. Routes come from the OpenAPI registry and from the router (`app.routes`), which also
 * holds each route's middleware chain: whether a route authenticates, checks workspace
 * membership, and which permission its `requirePermission` enforces are read from the chain,
 * never restated here. Every protected route is a workspace route, a platform-admin route or a
 * listed user-level route, and:
 * - no access token, a garbage, expired, wrongly signed token, or the token of a deleted or
 *   disabled account → 401;
 * - workspace routes: a signed-in user who is not a member → 404 from `workspaceAccess`;
 *   each role the permission table denies → 403, each role it grants → neither 401 nor 403;
 * - platform-admin routes: a signed-in user who is not a platform admin → 403.
 * - access tokens (issue #16): a revoked, expired or unknown one → 401 everywhere; on workspace
 *   routes a token without a scope granting the permission → 403, one with such a scope → through,
 *   a token of another workspace → 404; every other route (no scope grants it) → 403.
 * Denied requests carry a malformed body wherever the route takes one: if validation ran before
 * the access checks they would answer 400, so each of these cases also pins the middleware order.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { COMPOSED_HANDLER } from "hono/utils/constants";
import { decodeJwt, SignJWT } from "jose";
import { accessTokens, apiKeys, users, workspaceMembers, workspaces } from "@xr2/db/schema";
import { ID_PREFIX, newId, randomToken, sha256Hex } from "@xr2/shared";
import { createApiApp } from "../app.ts";
import { authenticate } from "../middleware/authenticate.ts";
import { requirePlatformAdmin } from "../middleware/require-platform-admin.ts";
import { workspaceAccess } from "../middleware/workspace-access.ts";
import { ACCESS_TOKEN_SCOPES, allows, can, enforcedPermission, ROLES, SCOPE_PERMISSIONS, type AccessTokenScope, type Permission, type Role } from "../permissions.ts";
import { issueSession, signAccessToken } from "../services/auth/tokens.ts";
import { createPromptFixture, testContext } from "../testing/fixtures.ts";
import { call } from "../testing/http.ts";

/**
 * Routes anyone may call without an access token, each with the reason. Every other route must
 * run `authenticate`. Adding a route here is a security decision: say why in the review.
 */
const PUBLIC_ROUTES: Record<string, string> = {
  "POST /api/auth/register": "creates the account a token is then issued for",
  "POST /api/auth/login": "exchanges a password for tokens",
  "POST /api/auth/refresh": "authenticated by the refresh token in its body",
  "POST /api/auth/logout": "ends the session of the refresh token in its body, or of the access token it is sent with",
  "GET /api/auth/google": "starts Google sign-in (S1); no session exists yet",
  "GET /api/auth/google/callback": "Google's redirect back, checked by state and PKCE",
  "POST /api/auth/google/exchange": "trades the one-time sign-in code and its PKCE verifier for a session",
  "GET /api/auth/providers": "tells the sign-in page which methods exist (no session yet); answers no secret",
  "POST /api/auth/verify-email": "authenticated by the single-use token of the verification e-mail in its body",
  "POST /api/auth/forgot-password": "for people who cannot sign in; answers the same for every address, and is limited per address and IP",
  "POST /api/auth/reset-password": "authenticated by the single-use token of the reset e-mail in its body",
  "GET /api/invitations/{token}": "the invitation page before sign-in; found only by the link's secret token",
  "GET /api/openapi.json": "the API's public description (D1)",
  "GET /api/docs": "the interactive reference page for /api/openapi.json (D1)",
  "GET /api/docs/postman.json": "the Postman collection of /api/openapi.json, linked from /api/docs (D1)",
  "POST /api/dev/seed": "development only: answers 404 when ENVIRONMENT is production",
  "POST /api/dev/schedule-aggregation": "development only: answers 404 when ENVIRONMENT is production",
  "POST /api/jobs/aggregate": "QStash's target, authenticated by the Upstash-Signature instead (routes/jobs/aggregation.test.ts)",
  "POST /api/jobs/purge-workspace": "QStash's target, authenticated by the Upstash-Signature instead (routes/workspaces/delete-workspace.test.ts)",
  "POST /api/jobs/webhook-delivery": "QStash's target, authenticated by the Upstash-Signature instead (routes/webhooks/webhooks.test.ts)",
  "POST /api/jobs/scheduled-deployment": "QStash's target, authenticated by the Upstash-Signature instead (routes/prompts/lifecycle/scheduled-deployments.test.ts)",
  "GET /health": "load balancers and uptime checks (S6)",
  "GET /health/live": "liveness probe without dependencies (S6)",
  "GET /mcp": "answers 405 to everyone: the stateless MCP endpoint has no stream to open (routes/mcp/mcp.test.ts)",
  "DELETE /mcp": "answers 405 to everyone: the stateless MCP endpoint has no session to end (routes/mcp/mcp.test.ts)",
  "GET /metrics": "Prometheus scrapes it with its own bearer, METRICS_TOKEN, and it answers 404 without one (routes/metrics.test.ts); documented in docs/metrics.md",
};

/**
 * Signed-in routes that act on the caller's own account rather than inside a workspace, each
 * with the reason. Every other protected route runs `workspaceAccess` or `requirePlatformAdmin`.
 */
const USER_LEVEL_ROUTES: Record<string, string> = {
  "GET /api/auth/me": "the caller's own account",
  "POST /api/auth/resend-verification": "e-mails the caller's own address",
  "GET /api/workspaces": "lists the caller's own memberships",
  "POST /api/workspaces": "creates a workspace whose owner the caller becomes",
  "POST /api/workspaces/invitations/accept": "joins by an invitation token bound to the caller's address",
  "PUT /api/llm/user-keys/{provider}": "the caller's own provider key, used in every workspace they belong to",
  "DELETE /api/llm/user-keys/{provider}": "the caller's own provider key",
  "GET /api/access-tokens/current": "describes the access token the call is made with (the one user-level route that serves tokens)",
};

/** Routes outside workspaces that still serve access tokens (through `acceptAccessTokens`). */
const ACCESS_TOKEN_USER_LEVEL_ROUTES = new Set(["GET /api/access-tokens/current"]);

/** Routes served but deliberately absent from the OpenAPI document. */
const UNDOCUMENTED_ROUTES = new Set(["GET /api/openapi.json", "GET /api/docs", "GET /api/docs/postman.json", "POST /api/dev/seed", "POST /api/dev/schedule-aggregation", "POST /api/jobs/aggregate", "POST /api/jobs/purge-workspace", "POST /api/jobs/webhook-delivery", "POST /api/jobs/scheduled-deployment", "GET /health", "GET /health/live", "GET /metrics", "GET /mcp", "DELETE /mcp"]);

/**
 * The Product API shares the OpenAPI document but is served by the edge worker, with API keys
 * (its own tests cover them): documented with the `apiKey` scheme, it must not be served here.
 */
const PRODUCT_API_SCHEME = "apiKey";

type Handler = object;

interface RouteUnderTest {
  /** "METHOD /path/{param}", the OpenAPI spelling. */
  key: string;
  method: string;
  path: string;
  documented: boolean;
  /** `security` declared in the OpenAPI document. */
  documentedAsSecured: boolean;
  /** Documented as a Product API route (served by the edge worker). */
  productApi: boolean;
  takesBody: boolean;
  /** Middleware and handler, in the order the router runs them. */
  chain: Handler[];
  authenticates: boolean;
  workspaceScoped: boolean;
  platformAdminOnly: boolean;
  permission: Permission | undefined;
}

/** Sub-apps with their own error handler wrap each handler; the original is kept on the wrapper. */
function unwrap(handler: Handler): Handler {
  const inner = (handler as Record<string, unknown>)[COMPOSED_HANDLER];
  return typeof inner === "function" ? unwrap(inner) : handler;
}

function inventory(): RouteUnderTest[] {
  const app = createApiApp();
  const served = new Map<string, Handler[]>();
  for (const route of app.routes) {
    // `use()` middleware is registered under the method ALL; routes have real methods.
    if (route.method === "ALL") continue;
    const key = `${route.method} ${route.path.replaceAll(/:(\w+)/g, "{$1}")}`;
    served.set(key, [...(served.get(key) ?? []), unwrap(route.handler)]);
  }
  const documented = new Map<string, { security?: unknown[]; request?: { body?: unknown } }>();
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type === "route") documented.set(`${definition.route.method.toUpperCase()} ${definition.route.path}`, definition.route);
  }
  const keys = [...new Set([...served.keys(), ...documented.keys()])].sort();
  return keys.map((key) => {
    const [method, path] = key.split(" ") as [string, string];
    const chain = served.get(key) ?? [];
    const definition = documented.get(key);
    const permissions = chain.map((handler) => enforcedPermission(handler)).filter((permission) => permission !== undefined);
    return {
      key,
      method,
      path,
      documented: definition !== undefined,
      documentedAsSecured: (definition?.security?.length ?? 0) > 0,
      productApi: (definition?.security ?? []).some((requirement) => PRODUCT_API_SCHEME in (requirement as object)),
      takesBody: definition?.request?.body !== undefined,
      chain,
      authenticates: chain.includes(authenticate),
      workspaceScoped: chain.includes(workspaceAccess),
      platformAdminOnly: chain.includes(requirePlatformAdmin),
      permission: permissions.length === 1 ? permissions[0] : undefined,
    };
  });
}

const ROUTES = inventory();
const PROTECTED = ROUTES.filter((route) => !(route.key in PUBLIC_ROUTES) && !route.productApi);

describe("route inventory", () => {
  it("finds the routes (sanity check of the enumeration itself)", () => {
    expect(ROUTES.map((route) => route.key)).toEqual(expect.arrayContaining(["POST /api/auth/login", "GET /api/workspaces/{workspaceId}", "GET /health"]));
    expect(PROTECTED.filter((route) => route.workspaceScoped).length).toBeGreaterThan(5);
  });

  it("publishes every documented route in /api/openapi.json", async () => {
    const document = await call("GET", "/api/openapi.json");
    expect(document.status, JSON.stringify(document.body).slice(0, 500)).toBe(200);
    const published = Object.entries(document.body!.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(published.sort()).toEqual(ROUTES.filter((route) => route.documented).map((route) => route.key));
  });

  it("documents every served route in the OpenAPI registry, except the listed ones", () => {
    const undocumented = ROUTES.filter((route) => !route.documented && !UNDOCUMENTED_ROUTES.has(route.key)).map((route) => route.key);
    expect(undocumented, "serve routes through createRoute()/app.openapi() so the document and this suite see them").toEqual([]);
  });

  it("serves every documented management route, and none of the edge's Product API routes", () => {
    expect(ROUTES.filter((route) => route.chain.length === 0 && !route.productApi).map((route) => route.key)).toEqual([]);
    expect(ROUTES.filter((route) => route.chain.length > 0 && route.productApi).map((route) => route.key)).toEqual([]);
  });

  it("authenticates every route not listed as public, and documents it as bearer-secured", () => {
    const problems = PROTECTED.flatMap((route) => [
      ...(route.authenticates ? [] : [`${route.key} does not run authenticate (add it, or list the route in PUBLIC_ROUTES with a reason)`]),
      ...(route.documented && !route.documentedAsSecured ? [`${route.key} is not documented with security: [{ bearer: [] }]`] : []),
    ]);
    expect(problems).toEqual([]);
    const securedPublic = ROUTES.filter((route) => route.key in PUBLIC_ROUTES && route.documentedAsSecured).map((route) => route.key);
    expect(securedPublic, "documented as secured but listed as public").toEqual([]);
  });

  it("scopes every protected route to a workspace or to platform admins, unless it is a listed user-level route", () => {
    const problems = PROTECTED.flatMap((route) => {
      const kinds = [route.workspaceScoped && "workspace", route.platformAdminOnly && "platform admin", route.key in USER_LEVEL_ROUTES && "user-level"].filter(Boolean);
      if (kinds.length === 1) return [];
      return [kinds.length === 0 ? `${route.key} runs neither workspaceAccess nor requirePlatformAdmin (or list it in USER_LEVEL_ROUTES with a reason)` : `${route.key} is ${kinds.join(" and ")}`];
    });
    expect(problems).toEqual([]);
  });

  it("gives every workspace route exactly one permission, checked after authentication and membership", () => {
    const problems = PROTECTED.flatMap((route) => {
      const permissionChecks = route.chain.filter((handler) => enforcedPermission(handler) !== undefined);
      if (!route.workspaceScoped) return permissionChecks.length > 0 ? [`${route.key} checks a permission without workspaceAccess`] : [];
      if (permissionChecks.length !== 1) return [`${route.key} has ${permissionChecks.length} requirePermission middleware; it needs exactly one`];
      const [auth, access, permission] = [authenticate, workspaceAccess, permissionChecks[0]!].map((handler) => route.chain.indexOf(handler));
      return auth! < access! && access! < permission! ? [] : [`${route.key} must run authenticate, workspaceAccess, requirePermission in this order`];
    });
    expect(problems).toEqual([]);
  });
});

/** A workspace with a member of each role, plus people and tokens that must be refused. */
interface SecurityFixture {
  workspaceId: string;
  adminUserId: string;
  /** The admin token's session (refresh-token family). */
  adminSessionId: string;
  outsiderWorkspaceId: string;
  tokens: Record<Role | "outsider" | "disabled" | "deleted" | "expired" | "wrongSecret", string>;
  /** Access tokens of the Admin in the workspace: one per scope, and one with every scope. */
  scopeTokens: Record<AccessTokenScope | "all", string>;
  /** Access tokens that must answer 401: revoked, expired, and one that was never issued. */
  deadAccessTokens: Record<"revoked" | "expired" | "unknown", string>;
  /** An access token with every scope, of the outsider's own workspace. */
  outsiderAccessToken: string;
  /** Real objects of the workspace, by path parameter name. */
  params: Record<string, string>;
}

const ISSUER = "xr2";
const AUDIENCE = "xr2-api";

/** An access token like the real ones, with chosen expiry and key: only what the test varies differs. */
function forgeToken(userId: string, sessionId: string, secret: string, expiresAt: number) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.min(now, expiresAt - 60))
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));
}

/** The access token of a new session of the user (a refresh-token family row), as sign-in issues it. */
async function sessionToken(ctx: ReturnType<typeof testContext>, userId: string): Promise<string> {
  return (await issueSession(ctx, { id: userId, email: "", name: "" })).access_token;
}

async function createSecurityFixture(): Promise<SecurityFixture> {
  const ctx = testContext();
  try {
    // The prompt fixture's user is the owner: the Admin is the owner, so owner-only rules
    // (ownership transfer) never turn an allowed Admin into a 403.
    const base = await createPromptFixture(ctx, ["Hello {name}"]);
    const person = (role: string) => ({ id: newId("user"), email: `${role}-${crypto.randomUUID()}@example.test`, name: `Security ${role}` });
    const [member, viewer, outsider, disabled] = [person("member"), person("viewer"), person("outsider"), person("disabled")];
    const outsiderWorkspaceId = newId("workspace");
    const keyId = newId("apiKey");
    const accessToken = (workspaceId: string, createdById: string, scopes: readonly AccessTokenScope[], extra: { revokedAt?: Date; expiresAt?: Date } = {}) => {
      const token = `xr2_at_${randomToken()}`;
      return { token, row: { id: newId("accessToken"), workspaceId, createdById, name: "security suite", scopes: [...scopes], tokenHash: sha256Hex(token), tokenPrefix: token.slice(0, 12), ...extra } };
    };
    const scopeTokens = Object.fromEntries([...ACCESS_TOKEN_SCOPES.map((scope) => [scope, accessToken(base.workspaceId, base.userId, [scope])]), ["all", accessToken(base.workspaceId, base.userId, ACCESS_TOKEN_SCOPES)]]) as Record<AccessTokenScope | "all", ReturnType<typeof accessToken>>;
    const deadAccessTokens = {
      revoked: accessToken(base.workspaceId, base.userId, ACCESS_TOKEN_SCOPES, { revokedAt: new Date() }),
      expired: accessToken(base.workspaceId, base.userId, ACCESS_TOKEN_SCOPES, { expiresAt: new Date(Date.now() - 1000) }),
    };
    const outsiderAccessToken = accessToken(outsiderWorkspaceId, outsider.id, ACCESS_TOKEN_SCOPES);
    await ctx.db().transaction(async (tx) => {
      await tx.insert(users).values([member, viewer, outsider, { ...disabled, disabledAt: new Date() }]);
      await tx.insert(workspaces).values({ id: outsiderWorkspaceId, name: "Outsider's own workspace", ownerId: outsider.id });
      await tx.insert(workspaceMembers).values([
        { workspaceId: base.workspaceId, userId: member.id, role: "member" },
        { workspaceId: base.workspaceId, userId: viewer.id, role: "viewer" },
        // An Admin here, so only the disabled account explains a refusal.
        { workspaceId: base.workspaceId, userId: disabled.id, role: "admin" },
        { workspaceId: outsiderWorkspaceId, userId: outsider.id, role: "admin" },
      ]);
      await tx.insert(accessTokens).values([...Object.values(scopeTokens), ...Object.values(deadAccessTokens), outsiderAccessToken].map(({ row }) => row));
      await tx.insert(apiKeys).values({ id: keyId, workspaceId: base.workspaceId, name: "security suite", keyHash: sha256Hex(crypto.randomUUID()), prefix: "xr2_live_sec", scopes: ["prompts:read"] });
    });
    const secret = ctx.env.JWT_SECRET;
    const now = Math.floor(Date.now() / 1000);
    const admin = await sessionToken(ctx, base.userId);
    const adminSessionId = decodeJwt(admin).sid as string;
    return {
      workspaceId: base.workspaceId,
      adminUserId: base.userId,
      adminSessionId,
      outsiderWorkspaceId,
      tokens: {
        admin,
        member: await sessionToken(ctx, member.id),
        viewer: await sessionToken(ctx, viewer.id),
        outsider: await sessionToken(ctx, outsider.id),
        disabled: await sessionToken(ctx, disabled.id),
        deleted: await signAccessToken(ctx, newId("user"), newId("refreshToken")),
        expired: await forgeToken(base.userId, adminSessionId, secret, now - 60),
        wrongSecret: await forgeToken(base.userId, adminSessionId, `${secret}-but-not-ours`, now + 600),
      },
      scopeTokens: Object.fromEntries(Object.entries(scopeTokens).map(([scope, { token }]) => [scope, token])) as Record<AccessTokenScope | "all", string>,
      deadAccessTokens: { revoked: deadAccessTokens.revoked.token, expired: deadAccessTokens.expired.token, unknown: `xr2_at_${randomToken()}` },
      outsiderAccessToken: outsiderAccessToken.token,
      params: { workspaceId: base.workspaceId, userId: viewer.id, promptId: base.promptId, versionId: base.versionIds[0]!, keyId },
    };
  } finally {
    await ctx.dispose();
  }
}

/** Path parameters: the fixture's real objects where it has them, else a well-formed id of the kind the name says. */
function concretePath(path: string, params: Record<string, string>): string {
  return path.replaceAll(/\{(\w+)\}/g, (_, name: string) => {
    const known = params[name];
    if (known) return known;
    const kind = name.replace(/Id$/, "");
    return kind in ID_PREFIX ? newId(kind as keyof typeof ID_PREFIX) : `${kind}_01jsecuritysuite000000000000`;
  });
}

/** A body no route accepts: were it validated before the access checks, the answer would be 400. */
function malformedBody(route: RouteUnderTest) {
  return route.takesBody ? { rawBody: "{ not json" } : {};
}

describe("middleware order", () => {
  // @hono/zod-openapi registers a route as `middleware…, validators…, handler`, so the route's
  // `middleware` runs before any request validation. This pins it on one route explicitly.
  it("checks the token, the membership and the permission before validating the request", async () => {
    const fixture = await createSecurityFixture();
    const invalid = { rawBody: JSON.stringify({ name: "", unknown_field: true }) };
    const asked = (token?: string) => call("POST", "/api/product-api-keys", { ...invalid, workspaceId: fixture.workspaceId, ...(token ? { token } : {}) });
    expect((await asked()).status).toBe(401);
    expect((await asked(fixture.tokens.outsider)).status).toBe(404);
    expect((await asked(fixture.tokens.viewer)).status).toBe(403);
    expect((await asked(fixture.tokens.admin)).status).toBe(400);
  });
});

describe("forged tokens used by the suite", () => {
  // The expired and wrongly signed tokens must differ from valid ones only in what they test,
  // or their 401s would prove nothing: the same forgery with a valid expiry and key is accepted.
  it("are refused for the reason they test, and accepted when made valid", async () => {
    const fixture = await createSecurityFixture();
    const ctx = testContext();
    const valid = await forgeToken(fixture.adminUserId, fixture.adminSessionId, ctx.env.JWT_SECRET, Math.floor(Date.now() / 1000) + 600);
    await ctx.dispose();
    expect((await call("GET", "/api/auth/me", { token: valid })).status).toBe(200);
    const expired = await call("GET", "/api/auth/me", { token: fixture.tokens.expired });
    expect(expired.body!.error.message).toMatch(/expired/);
    const wrongSecret = await call("GET", "/api/auth/me", { token: fixture.tokens.wrongSecret });
    expect(wrongSecret.body!.error.message).toMatch(/invalid/);
  });
});

for (const route of PROTECTED) {
  describe(route.key, () => {
    let fixture: SecurityFixture;
    beforeAll(async () => {
      fixture = await createSecurityFixture();
    });
    const request = (token: string | undefined, opts: { workspaceId?: string; body?: boolean } = {}) =>
      call(route.method, concretePath(route.path, fixture.params), {
        workspaceId: opts.workspaceId ?? fixture.workspaceId,
        ...(token === undefined ? {} : { token }),
        ...(opts.body === false ? {} : malformedBody(route)),
      });

    it("answers 401 without a valid access token", async () => {
      const cases: Record<string, string | undefined> = {
        "no token": undefined,
        "a garbage token": "not-a-jwt",
        "an expired token": fixture.tokens.expired,
        "a token signed with another key": fixture.tokens.wrongSecret,
        "the token of a deleted account": fixture.tokens.deleted,
        "the token of a disabled account": fixture.tokens.disabled,
        "a revoked access token": fixture.deadAccessTokens.revoked,
        "an expired access token": fixture.deadAccessTokens.expired,
        "an access token never issued": fixture.deadAccessTokens.unknown,
      };
      for (const [name, token] of Object.entries(cases)) {
        const response = await request(token);
        expect(response.status, `${name}: ${JSON.stringify(response.body)}`).toBe(401);
        expect(response.body!.error.code, name).toBe("UNAUTHENTICATED");
      }
    });

    if (route.platformAdminOnly) {
      // Only the refusal: the allowed calls act on every workspace, which their own tests cover.
      it("answers 403 to a signed-in user who is not a platform admin, even a workspace Admin", async () => {
        const response = await request(fixture.tokens.admin);
        expect(response.status, JSON.stringify(response.body)).toBe(403);
        expect(response.body!.error.code).toBe("FORBIDDEN");
      });
    }
    // Tokens act only through scopes, and no scope grants anything outside a workspace route.
    const servesTokens = ACCESS_TOKEN_USER_LEVEL_ROUTES.has(route.key) || (route.permission !== undefined && ACCESS_TOKEN_SCOPES.some((scope) => allows({ role: "admin", scopes: [scope] }, route.permission!)));
    if (!servesTokens) {
      it("answers 403 to an access token, even one with every scope", async () => {
        const response = await request(fixture.scopeTokens.all, { workspaceId: "" });
        expect(response.status, JSON.stringify(response.body)).toBe(403);
        expect(response.body!.error).toMatchObject({ code: "FORBIDDEN", message: "Access tokens can't be used here; sign in" });
      });
    }
    if (!route.workspaceScoped) return;

    if (servesTokens) {
      const permission = route.permission!;
      const granting = ACCESS_TOKEN_SCOPES.filter((scope) => (SCOPE_PERMISSIONS[scope] as readonly Permission[]).includes(permission));
      const others = ACCESS_TOKEN_SCOPES.filter((scope) => !granting.includes(scope));
      it(`answers access tokens by scope: 403 to ${others.join(", ")}, 404 to another workspace's, through for ${granting.join(", ")}`, async () => {
        for (const scope of others) {
          const response = await request(fixture.scopeTokens[scope], { workspaceId: "" });
          expect(response.status, `${scope}: ${JSON.stringify(response.body)}`).toBe(403);
          expect(response.body!.error.code).toBe("FORBIDDEN");
        }
        // The other workspace's token, naming this workspace; on a {workspaceId} path the path names it.
        const foreign = await request(fixture.outsiderAccessToken);
        expect(foreign.status, JSON.stringify(foreign.body)).toBe(404);
        expect(foreign.body!.error).toMatchObject({ code: "NOT_FOUND", message: "Workspace not found" });
        for (const scope of granting) {
          // No X-Workspace-Id: the token names its workspace.
          const response = await request(fixture.scopeTokens[scope], { workspaceId: "", body: false });
          expect([401, 403, 500], `${scope}: ${response.status} ${JSON.stringify(response.body)}`).not.toContain(response.status);
        }
      });
    }

    it("answers 404 to a signed-in user outside the workspace", async () => {
      const attempts = [request(fixture.tokens.outsider)];
      // The workspace in the path wins over the caller's own one in the header.
      if (route.path.includes("{workspaceId}")) attempts.push(request(fixture.tokens.outsider, { workspaceId: fixture.outsiderWorkspaceId }));
      for (const response of await Promise.all(attempts)) {
        expect(response.status, JSON.stringify(response.body)).toBe(404);
        // workspaceAccess's own answer, not a handler's "object not found" (the objects exist).
        expect(response.body!.error).toMatchObject({ code: "NOT_FOUND", message: "Workspace not found" });
      }
    });

    const permission = route.permission;
    if (!permission) {
      it("declares its permission with requirePermission", () => expect.fail(`${route.key} runs workspaceAccess without exactly one requirePermission`));
      return;
    }
    const denied = ROLES.filter((role) => !can(role, permission));
    const allowed = ROLES.filter((role) => can(role, permission));
    it(`answers 403 to ${denied.join(", ") || "no role"} and lets ${allowed.join(", ")} through (${permission})`, async () => {
      for (const role of denied) {
        const response = await request(fixture.tokens[role]);
        expect(response.status, `${role}: ${JSON.stringify(response.body)}`).toBe(403);
        expect(response.body!.error.code).toBe("FORBIDDEN");
      }
      // Allowed roles last, without a body: whatever they change happens in this route's own
      // fixture. Past the access checks, a 400 or 404 (no body, a made-up id) is fine; a
      // refusal or a crash is not.
      for (const role of allowed) {
        const response = await request(fixture.tokens[role], { body: false });
        expect([401, 403, 500], `${role}: ${response.status} ${JSON.stringify(response.body)}`).not.toContain(response.status);
      }
    });
  });
}
