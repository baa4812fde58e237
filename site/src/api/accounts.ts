// The account pages' API: verifying the e-mail address, resending the verification e-mail,
// forgotten-password and reset, and the public preview of an invitation. Shapes as the API's
// zod schemas define them (workers/api/src/routes/auth/**, routes/invitations/**).
import { formatRelative } from "~/lib/format";
import { ApiRequestError, describeError } from "./client";
import { call, type Schemas } from "./contract";

export const verifyEmail = (token: string) => call("post", "/api/auth/verify-email", { body: { token }, anonymous: true });
export const resendVerification = () => call("post", "/api/auth/resend-verification", { workspaceId: null });
export const requestPasswordReset = (email: string) => call("post", "/api/auth/forgot-password", { body: { email }, anonymous: true });
export const resetPassword = (token: string, password: string) => call("post", "/api/auth/reset-password", { body: { token, password }, anonymous: true });

export type InvitationStatus = InvitationPreview["status"];

/** What the invite page shows before anyone signs in. */
export type InvitationPreview = Schemas["InvitationPreview"];

export const previewInvitation = (token: string) => call("get", "/api/invitations/{token}", { params: { token }, anonymous: true });

/**
 * The API's message; for a 429, with when to try again in words ("Too many verification e-mails
 * asked for. Try again in 57 minutes.") in place of the API's count of seconds.
 */
export function describeRefusal(error: unknown): string {
  const message = describeError(error);
  if (!(error instanceof ApiRequestError) || error.status !== 429) return message;
  const wait = error.retryAfterSeconds;
  if (wait === null) return message;
  const reason = message.replace(/[;,.]?\s*retry in \d+ ?s\.?$/i, "");
  return `${reason}. Try again ${formatRelative(new Date(Date.now() + Math.max(wait, 1) * 1000))}.`;
}
