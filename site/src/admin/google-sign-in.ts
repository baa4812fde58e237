// Google sign-in from the site (S1): the site keeps a random PKCE-style verifier in this tab's
// sessionStorage and sends its S256 challenge to GET /api/auth/google (a navigation). Google
// returns the browser through the API to /auth/callback#code=…, where the code and the verifier
// are traded for a session at POST /api/auth/google/exchange: a code is only good in the tab
// that started the sign-in.
import { apiUrl } from "~/api/client";
import { safeNextPath } from "~/lib/redirect";

const VERIFIER_KEY = "xr2.google_verifier";
const VERIFIER_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

function randomVerifier(length = 64): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (byte) => VERIFIER_ALPHABET[byte % VERIFIER_ALPHABET.length]).join("");
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export async function s256Challenge(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}

/** Leaves the site for Google; `next` is the site path to come back to. */
export async function startGoogleSignIn(next: string | undefined): Promise<void> {
  const verifier = randomVerifier();
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  location.assign(apiUrl("/api/auth/google", { redirect_to: safeNextPath(next), code_challenge: await s256Challenge(verifier) }));
}

/** The verifier this tab started a sign-in with, once: it is forgotten as it is read. */
export function takeGoogleVerifier(): string | null {
  const verifier = sessionStorage.getItem(VERIFIER_KEY);
  sessionStorage.removeItem(VERIFIER_KEY);
  return verifier;
}
