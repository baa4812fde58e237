/**
 * Google sign-in (S1): OAuth 2.0 authorization code with PKCE (S256) and `state`, through
 * arctic's generic OAuth2Client — arctic's `Google` class hard-codes Google's endpoints, and
 * tests and local development swap in a fake provider (see google-config.ts).
 *
 * start: a fresh state and code verifier go into the sign-in cookie; the browser is sent to
 * Google. complete: the cookie's state must equal the callback's, the code is exchanged with the
 * verifier, the ID token's claims name the user (google-id-token.ts, google-account.ts), and the
 * browser goes back to the site with a one-time hand-off code (google-hand-off.ts).
 */
import { ArcticFetchError, CodeChallengeMethod, generateCodeVerifier, generateState, OAuth2Client, OAuth2RequestError, type OAuth2Tokens } from "arctic";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { findOrCreateGoogleUser } from "./google-account.ts";
import { googleConfig, type GoogleConfig } from "./google-config.ts";
import { createHandOff } from "./google-hand-off.ts";
import { readGoogleIdentity } from "./google-id-token.ts";
import { constantTimeEqual, isSitePath, openSignInState, sealSignInState, SIGN_IN_STATE_TTL_SECONDS, signInStateCookieName } from "./google-sign-in-state.ts";

const SCOPES = ["openid", "email", "profile"];

export interface SignInCookie {
  name: string;
  secure: boolean;
  maxAge: number;
}

function client(config: GoogleConfig): OAuth2Client {
  return new OAuth2Client(config.clientId, config.clientSecret, config.redirectUri);
}

/** The cookie that carries the sign-in state (404 when Google sign-in is off). */
export function googleSignInCookie(ctx: ServiceContext): SignInCookie {
  const { secureCookies } = googleConfig(ctx.env);
  return { name: signInStateCookieName(secureCookies), secure: secureCookies, maxAge: SIGN_IN_STATE_TTL_SECONDS };
}

export async function startGoogleSignIn({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { redirectTo: string; handOffChallenge: string };
}): Promise<{ authorizationUrl: string; cookie: SignInCookie & { value: string } }> {
  const config = googleConfig(ctx.env);
  if (!isSitePath(input.redirectTo)) throw new ApiError("BAD_REQUEST", "redirect_to must be a path on the site, such as /prompts");
  const state = generateState();
  const codeVerifier = generateCodeVerifier();
  const url = client(config).createAuthorizationURLWithPKCE(config.authorizationUrl, state, CodeChallengeMethod.S256, codeVerifier, SCOPES);
  // Let the user pick an account rather than silently reusing the one Google last saw.
  url.searchParams.set("prompt", "select_account");
  const value = await sealSignInState(ctx.env.JWT_SECRET, { state, codeVerifier, redirectTo: input.redirectTo, handOffChallenge: input.handOffChallenge });
  return { authorizationUrl: url.toString(), cookie: { ...googleSignInCookie(ctx), value } };
}

export async function completeGoogleSignIn({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { sealedState: string | undefined; state: string; code: string | undefined; error: string | undefined };
}): Promise<{ siteUrl: string }> {
  const config = googleConfig(ctx.env);
  const saved = await openSignInState(ctx.env.JWT_SECRET, input.sealedState);
  if (!(await constantTimeEqual(saved.state, input.state))) {
    throw new ApiError("BAD_REQUEST", "The sign-in state does not match this browser's: start Google sign-in again");
  }
  if (input.error !== undefined) throw new ApiError("UNAUTHENTICATED", `Google sign-in was not completed (${input.error})`);
  if (!input.code) throw new ApiError("BAD_REQUEST", "Google's callback carried no authorization code");

  const tokens = await exchangeCode(config, input.code, saved.codeVerifier);
  let idToken: string;
  try {
    idToken = tokens.idToken();
  } catch {
    throw new ApiError("DEPENDENCY_UNAVAILABLE", "Google's token response carried no ID token");
  }
  const user = await findOrCreateGoogleUser(ctx, readGoogleIdentity(idToken, config));
  const code = await createHandOff(ctx, { userId: user.id, handOffChallenge: saved.handOffChallenge, redirectTo: saved.redirectTo });
  // A fragment, not a query: it reaches the site's script but no server log and no Referer.
  return { siteUrl: `${config.siteUrl}/auth/callback#code=${encodeURIComponent(code)}` };
}

async function exchangeCode(config: GoogleConfig, code: string, codeVerifier: string): Promise<OAuth2Tokens> {
  try {
    return await client(config).validateAuthorizationCode(config.tokenUrl, code, codeVerifier);
  } catch (error) {
    if (error instanceof OAuth2RequestError) {
      if (error.code === "invalid_client" || error.code === "unauthorized_client") {
        throw new ApiError("MISCONFIGURED", "Google refused this server's client credentials: check GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET", { cause: error });
      }
      // invalid_grant: a used, expired or injected code, or a code verifier that does not match.
      throw new ApiError("UNAUTHENTICATED", `Google refused the authorization code (${error.code}): start Google sign-in again`, { cause: error });
    }
    const why = error instanceof ArcticFetchError ? "could not be reached" : "answered unexpectedly";
    throw new ApiError("DEPENDENCY_UNAVAILABLE", `Google's token endpoint ${why}: try again`, { cause: error });
  }
}
