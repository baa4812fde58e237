/**
 * Google sign-in's settings, checked together when a Google route is used: none of the GOOGLE_*
 * credentials set means the feature is off (404), some set (or all but SITE_URL) is a deployment
 * mistake (500 naming what is missing). The endpoint overrides exist for the fake provider of
 * tests and local development; production refuses them, so a stray variable can never send
 * sign-ins to someone else's token endpoint.
 */
import { ApiError } from "@xr2/shared";
import type { ApiEnv } from "../../env.ts";

const GOOGLE_AUTHORIZATION_URL = "https://accounts.google.com/o/oauth2/v2/auth";
const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
// Google signs ID tokens with either form (https://developers.google.com/identity/openid-connect/openid-connect#validatinganidtoken).
const GOOGLE_ISSUERS = ["https://accounts.google.com", "accounts.google.com"];

export interface GoogleConfig {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  siteUrl: string;
  authorizationUrl: string;
  tokenUrl: string;
  issuers: string[];
  /** False only when the callback is plain http on this machine, where browsers drop Secure cookies. */
  secureCookies: boolean;
}

/** Any of these set turns Google sign-in on; SITE_URL is needed too, but it alone does not (e-mail links use it). */
const SWITCHES = ["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "GOOGLE_REDIRECT_URI"] as const;
const REQUIRED = [...SWITCHES, "SITE_URL"] as const;
const OVERRIDES = ["GOOGLE_AUTHORIZATION_URL", "GOOGLE_TOKEN_URL", "GOOGLE_ISSUER"] as const;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function googleConfig(env: ApiEnv): GoogleConfig {
  if (SWITCHES.every((name) => env[name] === undefined)) throw new ApiError("NOT_FOUND", "Google sign-in is not enabled on this server");
  const missing = REQUIRED.filter((name) => env[name] === undefined);
  if (missing.length > 0) throw new ApiError("MISCONFIGURED", `Google sign-in is half-configured: set ${missing.join(", ")} (or unset all of ${SWITCHES.join(", ")})`);
  const overrides = OVERRIDES.filter((name) => env[name] !== undefined);
  if (overrides.length > 0 && env.ENVIRONMENT === "production") {
    throw new ApiError("MISCONFIGURED", `${overrides.join(", ")} must not be set in production: sign-in talks to Google itself`);
  }
  if (overrides.length > 0 && overrides.length < OVERRIDES.length) {
    throw new ApiError("MISCONFIGURED", `Set all of ${OVERRIDES.join(", ")} to use another OpenID provider, or none of them`);
  }
  for (const name of ["GOOGLE_TOKEN_URL", "GOOGLE_REDIRECT_URI"] as const) {
    const value = env[name];
    if (value !== undefined && !isSecureOrLoopback(new URL(value))) throw new ApiError("MISCONFIGURED", `${name} must be https (plain http only on 127.0.0.1 or localhost)`);
  }
  const redirectUri = new URL(env.GOOGLE_REDIRECT_URI!);
  return {
    clientId: env.GOOGLE_CLIENT_ID!,
    clientSecret: env.GOOGLE_CLIENT_SECRET!,
    redirectUri: redirectUri.toString(),
    siteUrl: new URL(env.SITE_URL!).origin,
    authorizationUrl: env.GOOGLE_AUTHORIZATION_URL ?? GOOGLE_AUTHORIZATION_URL,
    tokenUrl: env.GOOGLE_TOKEN_URL ?? GOOGLE_TOKEN_URL,
    issuers: env.GOOGLE_ISSUER === undefined ? GOOGLE_ISSUERS : [env.GOOGLE_ISSUER],
    secureCookies: redirectUri.protocol === "https:",
  };
}

function isSecureOrLoopback(url: URL): boolean {
  return url.protocol === "https:" || LOOPBACK_HOSTS.has(url.hostname);
}
