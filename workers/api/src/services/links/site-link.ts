/**
 * Links to the management site that e-mails carry (`${SITE_URL}/verify-email?token=…`,
 * `/reset-password?token=…`, `/invitations/{token}`): always on the configured site origin,
 * never on anything a request supplied, so a forged Host header cannot send a reset link with
 * its token to someone else's server.
 */
import { ApiError } from "@xr2/shared";
import type { ApiEnv } from "../../env.ts";

export function siteLink(env: ApiEnv, path: string, query: Record<string, string> = {}): string {
  if (env.SITE_URL === undefined) throw new ApiError("MISCONFIGURED", "SITE_URL is not set, so e-mails cannot link to the site");
  const url = new URL(path, new URL(env.SITE_URL).origin);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.toString();
}
