/** The API worker's bindings, vars and secrets, validated at the entry of each handler. */
import * as z from "zod";
import { isBinding, rateLimitOverridesSchema } from "@xr2/shared";
import { DEVELOPMENT_SECRETS, QSTASH_DEVELOPMENT_SIGNING_KEYS } from "./development-secrets.ts";

/** "Name <local@domain>" or "local@domain", one line. */
const MAIL_FROM_PATTERN = /^(?:[^<>\r\n]*<[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)$/;

export const apiEnvSchema = z.object({
  ENVIRONMENT: z.enum(["development", "test", "production"]),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection string"),
  /** Set only for the local stack: where the Neon WebSocket proxy and SQL-over-HTTP endpoint listen. */
  NEON_LOCAL_ENDPOINT: z.url().optional(),
  PROMPTS_KV: z.custom<KVNamespace>(isBinding(["get", "put", "delete", "list"]), "must be a KV namespace binding"),
  /** The events queue, for replaying dead letters onto it; without it, replays answer 500 MISCONFIGURED. */
  EVENTS_QUEUE: z.custom<Queue<unknown>>(isBinding(["send", "sendBatch"]), "must be a queue producer binding").optional(),
  UPSTASH_REDIS_REST_URL: z.url(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
  QSTASH_URL: z.url(),
  QSTASH_TOKEN: z.string().min(1),
  QSTASH_CURRENT_SIGNING_KEY: z.string().min(1),
  QSTASH_NEXT_SIGNING_KEY: z.string().min(1),
  /**
   * This worker's public origin, as QStash reaches it: the aggregation schedule's destination is
   * `${API_PUBLIC_URL}/api/jobs/aggregate`, and signatures of QStash deliveries are checked
   * against that URL (the request's own URL when unset).
   */
  API_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Origins of the management site allowed to call this API from a browser (comma-separated). */
  ALLOWED_ORIGINS: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((origin) => origin.trim()).filter(Boolean))
    .pipe(z.array(z.url())),
  /** JSON overrides of the shared rate-limit policy table (here: the login policies). */
  RATE_LIMIT_OVERRIDES: rateLimitOverridesSchema.optional().default({}),
  /** How long the API's limits (sign-up, sign-in, e-mails) wait for Redis before letting the call through. */
  API_RATE_LIMIT_TIMEOUT_MS: z.coerce.number().int().min(1).max(10_000).default(500),
  JWT_SECRET: z.string().min(32, "must be at least 32 characters"),
  ENCRYPTION_KEY: z.base64().refine((value) => decodedLength(value) === 32, "must be 32 bytes, base64-encoded"),
  /**
   * Earlier ENCRYPTION_KEYs (comma-separated, base64), kept while provider keys encrypted under
   * them are re-saved: each stored key names the master key it was encrypted with.
   */
  ENCRYPTION_KEYS_PREVIOUS: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((key) => key.trim()).filter(Boolean))
    .pipe(z.array(z.base64().refine((value) => decodedLength(value) === 32, "each must be 32 bytes, base64-encoded"))),
  /** LLM provider endpoints (L1–L4); unset means the real API. The local stack and tests point them at fakes. */
  OPENAI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  ANTHROPIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  GOOGLE_AI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Google sign-in (S1): all of GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, GOOGLE_REDIRECT_URI and
   * SITE_URL, or none of the first three (then the Google routes answer 404). Checked together by
   * services/auth/google-config.ts, so a half-configured Google sign-in does not stop the rest.
   */
  GOOGLE_CLIENT_ID: z.string().min(1).max(256).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).max(256).optional(),
  /** This worker's /api/auth/google/callback, exactly as registered with Google. */
  GOOGLE_REDIRECT_URI: z.url({ protocol: /^https?$/ }).optional(),
  /** The management site's origin: Google sign-in hands over to `${SITE_URL}/auth/callback`, e-mails link to its pages. */
  SITE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Development and tests only (refused in production): a stand-in OpenID provider instead of Google. */
  GOOGLE_AUTHORIZATION_URL: z.url({ protocol: /^https?$/ }).optional(),
  GOOGLE_TOKEN_URL: z.url({ protocol: /^https?$/ }).optional(),
  GOOGLE_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * E-mail (verification, password reset, invitations) through Resend: RESEND_API_KEY and
   * MAIL_FROM together, or neither (then every send fails saying so). Links in the e-mails are
   * built on SITE_URL.
   */
  RESEND_API_KEY: z.string().min(1).max(256).optional(),
  /** The sender, "xR2 <no-reply@example.com>" or a bare address, on a domain verified in Resend. */
  MAIL_FROM: z.string().max(320).regex(MAIL_FROM_PATTERN, 'must be an address or "Name <address>"').optional(),
  /** Unset means https://api.resend.com; the local stack and tests point it at the local inbox. */
  RESEND_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * The bearer token of GET /metrics (Prometheus). Unset: /metrics answers 404, metrics are still
   * counted. In production it must be 32+ random characters, not the development one.
   */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").max(256).optional(),
  /** How long an isolate gathers metrics before adding them to Redis in one call (0: at each request's end). */
  METRICS_FLUSH_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /**
   * Development only (refused in production): webhooks may use http and loopback addresses
   * (127.0.0.1, ::1, localhost), so a receiver on this machine can be tried. `npm run dev` sets it.
   * Private, link-local and metadata addresses stay refused.
   */
  WEBHOOKS_ALLOW_LOOPBACK: z.union([z.boolean(), z.stringbool()]).default(false),
  /** Deliveries failing in a row (each after all its retries) before an endpoint is disabled and its Admins told. */
  WEBHOOK_FAILURE_LIMIT: z.coerce.number().int().min(1).max(1_000).default(20),
}).superRefine(refuseWeakSecretsInProduction).superRefine(checkMailSettings);

/**
 * Half a mail configuration is a deployment mistake, refused like a weak secret rather than found
 * at the first sign-up. The messages name the variables, never their values.
 */
function checkMailSettings(
  env: { RESEND_API_KEY?: string | undefined; MAIL_FROM?: string | undefined; RESEND_BASE_URL?: string | undefined; SITE_URL?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if ((env.RESEND_API_KEY === undefined) !== (env.MAIL_FROM === undefined)) {
    const missing = env.RESEND_API_KEY === undefined ? "RESEND_API_KEY" : "MAIL_FROM";
    ctx.addIssue({ code: "custom", path: [missing], message: "is needed too: set both RESEND_API_KEY and MAIL_FROM to send e-mail, or neither" });
  }
  // Every e-mail we send carries a link to the site; without its origin none can be built.
  if (env.RESEND_API_KEY !== undefined && env.MAIL_FROM !== undefined && env.SITE_URL === undefined) {
    ctx.addIssue({ code: "custom", path: ["SITE_URL"], message: "is needed when e-mail is configured (RESEND_API_KEY and MAIL_FROM): the e-mails' links are built on it" });
  }
  // The API key travels in every request: plain http only to this machine (the local inbox).
  // (A value that is not a URL at all is the field's own issue, reported there.)
  const url = parsedUrl(env.RESEND_BASE_URL);
  if (url !== undefined) {
    if (url.protocol !== "https:" && !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
      ctx.addIssue({ code: "custom", path: ["RESEND_BASE_URL"], message: "must be https (plain http only on 127.0.0.1 or localhost)" });
    }
  }
}

/** The URL, or undefined when unset or not a URL (zod reports that on the field). */
function parsedUrl(value: string | undefined): URL | undefined {
  try {
    return value === undefined ? undefined : new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * The bytes of a base64 value (as a binary string), or undefined when it is not base64. Zod runs a
 * refinement even after z.base64() failed, and atob throws on such input: the throw would escape
 * safeParse as a bare 500 instead of MISCONFIGURED naming the variable.
 */
function decoded(value: string): string | undefined {
  try {
    return atob(value);
  } catch {
    return undefined;
  }
}

function decodedLength(value: string): number | undefined {
  return decoded(value)?.length;
}

function isRepetitive(bytes: string | undefined): boolean {
  return bytes !== undefined && new Set(bytes).size < 16;
}

/**
 * In production, JWT_SECRET needs 43 characters (256 bits as base64; RFC 7518 asks HS256 keys to
 * be as long as the hash), and neither it nor ENCRYPTION_KEY may be the repository's development
 * value or an obviously repeated one (a hex secret still passes: 10 distinct characters), and the
 * QStash signing keys may not be QStash's public development ones.
 * ENCRYPTION_KEYS_PREVIOUS is left alone: rotating away from a weak key needs the old one.
 * The messages name the variable, never its value.
 */
export const PRODUCTION_JWT_SECRET_MIN_LENGTH = 43;
export const PRODUCTION_METRICS_TOKEN_MIN_LENGTH = 32;

function refuseWeakSecretsInProduction(
  env: { ENVIRONMENT: string; JWT_SECRET: string; ENCRYPTION_KEY: string; QSTASH_CURRENT_SIGNING_KEY: string; QSTASH_NEXT_SIGNING_KEY: string; METRICS_TOKEN?: string | undefined; WEBHOOKS_ALLOW_LOOPBACK?: boolean },
  ctx: z.RefinementCtx,
): void {
  if (env.ENVIRONMENT !== "production") return;
  const refuse = (name: string, message: string) => ctx.addIssue({ code: "custom", path: [name], message });
  if (env.WEBHOOKS_ALLOW_LOOPBACK === true) refuse("WEBHOOKS_ALLOW_LOOPBACK", "lets webhooks reach this machine's own services; it is for development only, unset it in production");
  if (env.JWT_SECRET === DEVELOPMENT_SECRETS.JWT_SECRET) {
    refuse("JWT_SECRET", "is the development secret from the repository; set a random one in production (openssl rand -base64 48)");
  } else if (env.JWT_SECRET.length < PRODUCTION_JWT_SECRET_MIN_LENGTH || new Set(env.JWT_SECRET).size < 10) {
    refuse("JWT_SECRET", `is too short or too repetitive for production: at least ${PRODUCTION_JWT_SECRET_MIN_LENGTH} random characters (openssl rand -base64 48)`);
  }
  if (env.ENCRYPTION_KEY === DEVELOPMENT_SECRETS.ENCRYPTION_KEY) {
    refuse("ENCRYPTION_KEY", "is the development key from the repository; set a random one in production (openssl rand -base64 32)");
  } else if (isRepetitive(decoded(env.ENCRYPTION_KEY))) {
    // Not base64 at all is the field's own issue, reported there.
    refuse("ENCRYPTION_KEY", "is not random (too few distinct bytes); set a random one in production (openssl rand -base64 32)");
  }
  if (env.METRICS_TOKEN !== undefined) {
    if (env.METRICS_TOKEN === DEVELOPMENT_SECRETS.METRICS_TOKEN) {
      refuse("METRICS_TOKEN", "is the development token from the repository; set a random one in production (openssl rand -base64 32), or leave it unset to disable /metrics");
    } else if (env.METRICS_TOKEN.length < PRODUCTION_METRICS_TOKEN_MIN_LENGTH || new Set(env.METRICS_TOKEN).size < 10) {
      refuse("METRICS_TOKEN", `is too short or too repetitive for production: at least ${PRODUCTION_METRICS_TOKEN_MIN_LENGTH} random characters (openssl rand -base64 32), or leave it unset to disable /metrics`);
    }
  }
  const developmentSigningKeys: string[] = Object.values(QSTASH_DEVELOPMENT_SIGNING_KEYS);
  for (const name of ["QSTASH_CURRENT_SIGNING_KEY", "QSTASH_NEXT_SIGNING_KEY"] as const) {
    if (developmentSigningKeys.includes(env[name])) {
      refuse(name, "is QStash's development signing key, which is public; set your QStash project's signing keys (Upstash console → QStash → Signing keys)");
    }
  }
}

export type ApiEnv = z.infer<typeof apiEnvSchema>;
