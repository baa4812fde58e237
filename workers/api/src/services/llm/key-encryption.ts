/**
 * Provider keys at rest (L1): AES-256-GCM (WebCrypto) under ENCRYPTION_KEY, a fresh 12-byte
 * nonce per encryption, and the row's identity (id, owner, provider) as additional data, so a
 * ciphertext copied onto another row does not decrypt. Each row stores the id of the master key
 * (the first 16 hex digits of its SHA-256), so after a rotation the keys still encrypted under an
 * earlier master key (ENCRYPTION_KEYS_PREVIOUS) are found and decrypted until they are re-saved.
 */
import { ApiError, sha256Hex } from "@xr2/shared";
import type { ApiEnv } from "../../env.ts";

export interface KeyBinding {
  id: string;
  /** "workspace:ws_…" or "user:usr_…". */
  owner: string;
  provider: string;
}

export interface EncryptedKey {
  ciphertext: string;
  iv: string;
  encryptionKeyId: string;
}

const fromBase64 = (value: string) => Uint8Array.from(atob(value), (char) => char.charCodeAt(0));
const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const additionalData = (binding: KeyBinding) => new TextEncoder().encode(`xr2-llm-key:${binding.id}:${binding.owner}:${binding.provider}`);

async function masterKey(base64: string): Promise<{ id: string; key: CryptoKey }> {
  const raw = fromBase64(base64);
  const id = sha256Hex(base64).slice(0, 16);
  return { id, key: await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]) };
}

export async function encryptProviderKey(env: ApiEnv, plaintext: string, binding: KeyBinding): Promise<EncryptedKey> {
  const { id, key } = await masterKey(env.ENCRYPTION_KEY);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: additionalData(binding) }, key, new TextEncoder().encode(plaintext));
  return { ciphertext: toBase64(new Uint8Array(sealed)), iv: toBase64(iv), encryptionKeyId: id };
}

export async function decryptProviderKey(env: ApiEnv, stored: EncryptedKey, binding: KeyBinding): Promise<string> {
  for (const candidate of [env.ENCRYPTION_KEY, ...env.ENCRYPTION_KEYS_PREVIOUS]) {
    const { id, key } = await masterKey(candidate);
    if (id !== stored.encryptionKeyId) continue;
    try {
      const opened = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(stored.iv), additionalData: additionalData(binding) }, key, fromBase64(stored.ciphertext));
      return new TextDecoder().decode(opened);
    } catch (error) {
      throw new ApiError("MISCONFIGURED", "A saved provider key could not be decrypted; save it again", { cause: error });
    }
  }
  throw new ApiError("MISCONFIGURED", "A saved provider key was encrypted with a master key this deployment does not have (ENCRYPTION_KEYS_PREVIOUS); save it again");
}

/** What users see of a key: its last four characters. */
export function keySuffix(plaintext: string): string {
  return `…${plaintext.slice(-4)}`;
}
