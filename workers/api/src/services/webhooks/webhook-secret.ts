/**
 * Webhook signing secrets: `whsec_` + 32 random bytes in base64 (the Standard Webhooks format
 * its libraries take as is), stored encrypted like provider keys (AES-GCM under ENCRYPTION_KEY,
 * bound to the endpoint's id and workspace, so a ciphertext copied onto another row does not
 * decrypt). A rotation keeps the previous secret until an expiry; the signers are every secret
 * still valid.
 */
import type { Webhook } from "@xr2/db/schema";
import type { ApiEnv } from "../../env.ts";
import { decryptProviderKey, encryptProviderKey, type EncryptedKey, type KeyBinding } from "../llm/key-encryption.ts";

/** How long a rotated-out secret still signs deliveries, so receivers can switch without a gap. */
export const SECRET_ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

export function newWebhookSecret(): string {
  return `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;
}

const binding = (webhook: { id: string; workspaceId: string }): KeyBinding => ({ id: webhook.id, owner: `workspace:${webhook.workspaceId}`, provider: "webhook" });

export function encryptWebhookSecret(env: ApiEnv, webhook: { id: string; workspaceId: string }, secret: string): Promise<EncryptedKey> {
  return encryptProviderKey(env, secret, binding(webhook));
}

/** The secrets a delivery is signed with now: the current one, and the previous one during its overlap. */
export async function signingSecrets(env: ApiEnv, webhook: Webhook, now = new Date()): Promise<string[]> {
  const current = await decryptProviderKey(env, { ciphertext: webhook.secretCiphertext, iv: webhook.secretIv, encryptionKeyId: webhook.encryptionKeyId }, binding(webhook));
  const { previousSecretCiphertext: ciphertext, previousSecretIv: iv, previousEncryptionKeyId: encryptionKeyId, previousSecretExpiresAt: expiresAt } = webhook;
  if (ciphertext === null || iv === null || encryptionKeyId === null || expiresAt === null || expiresAt <= now) return [current];
  return [current, await decryptProviderKey(env, { ciphertext, iv, encryptionKeyId }, binding(webhook))];
}
