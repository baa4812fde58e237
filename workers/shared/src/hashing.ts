/** SHA-256 (API keys and refresh tokens are stored only as these digests), and random secrets. */
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";

/**
 * The hex SHA-256 of `input`. Synchronous on purpose: every get-prompt hashes its API key, and
 * WebCrypto's promise-returning digest cost the hot path ~50 µs a call (a fifth of what
 * get-prompt adds to the empty route) where @noble/hashes takes ~2 µs for a key-sized input.
 */
export function sha256Hex(input: string): string {
  return bytesToHex(sha256(utf8ToBytes(input)));
}

/** The base64 SHA-256 of `input`, as Content-Security-Policy hash sources spell it. */
export function sha256Base64(input: string): string {
  return btoa(String.fromCharCode(...sha256(utf8ToBytes(input))));
}

/** Bytes as base64url without padding: safe in headers, URLs and cookies. */
export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** A secret of `byteLength` random bytes (256 bits by default), base64url-encoded. */
export function randomToken(byteLength = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(byteLength)));
}
