/**
 * The identity in Google's ID token. The signature is not verified, on purpose: the token comes
 * straight from Google's token endpoint over TLS in exchange for our code and client secret,
 * which OpenID Connect Core §3.1.3.7 accepts in place of checking the signature (and which
 * spares a JWKS fetch and cache on every cold isolate). The claims are still checked: issuer,
 * audience (our client id), expiry, and that Google verified the e-mail address — accounts are
 * linked by that address, so an unverified one must never get in.
 */
import { decodeIdToken } from "arctic";
import * as z from "zod";
import { ApiError } from "@xr2/shared";
import type { GoogleConfig } from "./google-config.ts";

export interface GoogleIdentity {
  sub: string;
  email: string;
  name: string;
}

const claimsSchema = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  azp: z.string().optional(),
  exp: z.number(),
  sub: z.string().min(1).max(255),
  email: z.email().max(254),
  // Google sends a boolean; some older tokens carried the string "true".
  email_verified: z.union([z.boolean(), z.enum(["true", "false"]).transform((value) => value === "true")]).optional(),
  name: z.string().optional(),
});

export function readGoogleIdentity(idToken: string, config: GoogleConfig, now = Date.now()): GoogleIdentity {
  let decoded: object;
  try {
    decoded = decodeIdToken(idToken);
  } catch {
    throw new ApiError("UNAUTHENTICATED", "Google's ID token could not be read");
  }
  const parsed = claimsSchema.safeParse(decoded);
  if (!parsed.success) throw new ApiError("UNAUTHENTICATED", "Google's ID token lacks the expected claims (sub, email)");
  const claims = parsed.data;
  if (!config.issuers.includes(claims.iss)) throw new ApiError("UNAUTHENTICATED", "The ID token was not issued by Google");
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  // With several audiences, the authorized party must be us (OpenID Connect Core §3.1.3.7).
  const forUs = audiences.includes(config.clientId) && (audiences.length === 1 || claims.azp === config.clientId);
  if (!forUs) throw new ApiError("UNAUTHENTICATED", "The ID token was issued to another application");
  if (claims.exp * 1000 <= now) throw new ApiError("UNAUTHENTICATED", "The ID token has expired: start Google sign-in again");
  if (claims.email_verified !== true) throw new ApiError("FORBIDDEN", "Google has not verified this e-mail address, so it cannot be used to sign in");
  const email = claims.email.trim().toLowerCase();
  const name = claims.name?.trim().slice(0, 100) || email.split("@")[0]!;
  return { sub: claims.sub, email, name };
}
