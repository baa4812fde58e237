// The account pages' API: verifying the e-mail address, resending the verification e-mail,
// forgotten-password and reset, and the public preview of an invitation. Shapes as the API's
// zod schemas define them (workers/api/src/routes/auth/**, routes/invitations/**).
import { formatRelative } from "~/lib/format";
import { api, ApiRequestError, describeError } from "./client";
import type { Role } from "./types";

export const verifyEmail = (token: string) => api<{ verified: true; email: string }>("POST", "/api/auth/verify-email", { body: { token }, anonymous: true });
export const resendVerification = () => api<{ sent: true }>("POST", "/api/auth/resend-verification", { workspaceId: null });
export const requestPasswordReset = (email: string) => api<{ accepted: true }>("POST", "/api/auth/forgot-password", { body: { email }, anonymous: true });
export const resetPassword = (token: string, password: string) => api<{ reset: true }>("POST", "/api/auth/reset-password", { body: { token, password }, anonymous: true });

export type InvitationStatus = "pending" | "accepted" | "expired" | "revoked";

/** What the invite page shows before anyone signs in. */
export interface InvitationPreview {
  workspace: { id: string; name: string };
  /** The inviter's address only when verified (null otherwise). */
  invited_by: { name: string; email: string | null } | null;
  email: string;
  role: Role;
  expires_at: string;
  status: InvitationStatus;
}

export const previewInvitation = (token: string) => api<InvitationPreview>("GET", `/api/invitations/${encodeURIComponent(token)}`, { anonymous: true });

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
