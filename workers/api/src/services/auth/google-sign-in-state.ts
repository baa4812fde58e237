/**
 * What Google sign-in remembers between the redirect to Google and the callback: the OAuth
 * `state`, the PKCE code verifier, where the site wants to go afterwards and the site's own
 * hand-off challenge. It travels in one short-lived HttpOnly cookie as an HS256 JWT, so the
 * worker keeps no server-side state; the key is derived from JWT_SECRET for this purpose only,
 * and the audience is pinned, so neither this cookie nor an access token passes for the other.
 */
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { ApiError } from "@xr2/shared";

export const SIGN_IN_STATE_TTL_SECONDS = 10 * 60;
const AUDIENCE = "xr2-google-sign-in";
const ISSUER = "xr2";

export interface SignInState {
  state: string;
  codeVerifier: string;
  /** A path on the site, already checked by isSitePath. */
  redirectTo: string;
  /** S256 challenge of the verifier the site must present to exchange the hand-off code. */
  handOffChallenge: string;
}

/** `__Host-` (Secure, Path=/, no Domain) keeps sibling subdomains from planting their own state. */
export function signInStateCookieName(secure: boolean): string {
  return secure ? "__Host-xr2-google-sign-in" : "xr2-google-sign-in";
}

async function stateKey(jwtSecret: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(jwtSecret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode("xr2 google sign-in state cookie v1")));
}

export async function sealSignInState(jwtSecret: string, value: SignInState, now = Date.now()): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT({ st: value.state, cv: value.codeVerifier, rt: value.redirectTo, hc: value.handOffChallenge })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + SIGN_IN_STATE_TTL_SECONDS)
    .sign(await stateKey(jwtSecret));
}

/** The state the cookie holds, or 400 saying to start again (missing, tampered or older than 10 minutes). */
export async function openSignInState(jwtSecret: string, sealed: string | undefined): Promise<SignInState> {
  if (!sealed) throw new ApiError("BAD_REQUEST", "The sign-in cookie is missing: start Google sign-in again from the same browser");
  try {
    const { payload } = await jwtVerify(sealed, await stateKey(jwtSecret), { algorithms: ["HS256"], issuer: ISSUER, audience: AUDIENCE });
    const { st, cv, rt, hc } = payload;
    if (typeof st !== "string" || typeof cv !== "string" || typeof rt !== "string" || typeof hc !== "string") throw new Error("incomplete state");
    return { state: st, codeVerifier: cv, redirectTo: rt, handOffChallenge: hc };
  } catch (error) {
    const expired = error instanceof joseErrors.JWTExpired;
    throw new ApiError("BAD_REQUEST", expired ? "Google sign-in took longer than 10 minutes: start again" : "The sign-in cookie is invalid: start Google sign-in again");
  }
}

/** Compares digests, so the time taken says nothing about how much of a secret matched. */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const digest = async (value: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)));
  return crypto.subtle.timingSafeEqual(await digest(a), await digest(b));
}

/**
 * A path on the site and nothing else: it must start with one `/`, and resolve on the site's
 * origin. `//evil.example`, `/\evil.example`, `https://…` and `javascript:` are all refused.
 */
export function isSitePath(value: string): boolean {
  // Browsers treat `\` like `/` and drop tabs and newlines, so `/\x` and `/\t/x` would leave the site.
  if (!value.startsWith("/") || value.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(value)) return false;
  const site = "https://site.invalid";
  try {
    return new URL(value, site).origin === site;
  } catch {
    return false;
  }
}
