/**
 * Verifies an address as its owner would, for e2e and browser tests that need a verified account
 * (sending invitation e-mail, accepting an invitation): the verification e-mail in the local
 * inbox, its link's token posted to the API's verify-email route.
 */
import { linkIn, waitForMail } from "../../local/mail/read-inbox.ts";
import type { apiClient } from "./http-client.ts";

export async function verifyAddressThroughInbox(api: ReturnType<typeof apiClient>, inboxUrl: string, email: string): Promise<void> {
  const message = await waitForMail(inboxUrl, email, { subject: /Confirm your e-mail address/ });
  const token = linkIn(message, "/verify-email").searchParams.get("token");
  const verified = await api("POST", "/api/auth/verify-email", { body: { token } });
  if (verified.status !== 200) throw new Error(`verify-email answered ${verified.status}: ${JSON.stringify(verified.body)}`);
}
