// Security headers for every answer of the site's server, the HTML document above all.
//
// The page keeps the session's refresh token in localStorage (see session/session.ts), so a
// script injected into it could take the session: the Content-Security-Policy lets scripts run
// only from this origin or with the nonce drawn for each document (SolidStart's inline
// `window.manifest` and our theme script carry it), and lets the page talk only to itself and
// the API. Styles may be inline: Vite and CodeMirror inject them, and a style cannot read tokens.
// Nothing may frame the site (clickjacking).
import { createMiddleware } from "@solidjs/start/middleware";
import { apiBaseUrl } from "~/api/base-url";

function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

export function contentSecurityPolicy(nonce: string): string {
  // In development Vite's hot reload talks over WebSockets on ports of its own.
  const connect = ["'self'", new URL(apiBaseUrl).origin, ...(import.meta.env.DEV ? ["ws://127.0.0.1:*", "ws://localhost:*"] : [])];
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    `connect-src ${connect.join(" ")}`,
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export default createMiddleware({
  onRequest: (event) => {
    const nonce = newNonce();
    event.locals.nonce = nonce;
    const headers = event.response.headers;
    headers.set("content-security-policy", contentSecurityPolicy(nonce));
    headers.set("x-frame-options", "DENY");
    headers.set("x-content-type-options", "nosniff");
    headers.set("referrer-policy", "strict-origin-when-cross-origin");
  },
});
