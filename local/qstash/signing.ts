// Upstash-Signature: the HS256 JWT QStash attaches to every delivery, in the exact shape the
// official Receiver verifies (iss "Upstash", sub = destination URL, body = SHA-256 of the raw body).
import { createHash, randomUUID } from "node:crypto";
import { SignJWT, base64url } from "jose";

const SIGNATURE_LIFETIME_SECONDS = 5 * 60;

export async function signDelivery(signingKey: string, url: string, body: Uint8Array): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const bodyHash = base64url.encode(createHash("sha256").update(body).digest());
  return new SignJWT({ body: bodyHash })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer("Upstash")
    .setSubject(url)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + SIGNATURE_LIFETIME_SECONDS)
    .setJti(`jwt_${randomUUID()}`)
    .sign(new TextEncoder().encode(signingKey));
}
