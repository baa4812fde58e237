// Access tokens for the management API (/api/access-tokens, issue #16): what the CLI, CI and MCP
// clients send. The site only manages them; it never calls the API with one.
import type { Role } from "./types";
import { call, type Schemas } from "./contract";

export type AccessTokenScope = Schemas["AccessToken"]["scopes"][number];
export const ACCESS_TOKEN_SCOPES: readonly AccessTokenScope[] = ["prompts:read", "prompts:write", "prompts:publish", "analytics:read"];
export const ACCESS_TOKEN_SCOPE_HINT: Record<AccessTokenScope, string> = {
  "prompts:read": "Read prompts, versions and the workspace (pull, diff, MCP search)",
  "prompts:write": "Create drafts and change prompts (push)",
  "prompts:publish": "Publish, promote and roll back (production still follows approvals)",
  "analytics:read": "Read prompt statistics and events",
};
/** The roles that may grant each scope: the API's permission table (workers/api/src/permissions.ts), which refuses the rest with 403. */
export const SCOPE_ROLES: Record<AccessTokenScope, readonly Role[]> = {
  "prompts:read": ["admin", "member", "viewer"],
  "prompts:write": ["admin", "member"],
  "prompts:publish": ["admin", "member"],
  "analytics:read": ["admin", "member", "viewer"],
};

export type AccessToken = Schemas["AccessToken"];
/** With `token`, the token itself, in this answer only. */
export type CreatedAccessToken = Schemas["CreatedAccessToken"];

export const listAccessTokens = () => call("get", "/api/access-tokens").then((answer) => answer.access_tokens);
export const createAccessToken = (input: { name: string; scopes: AccessTokenScope[]; expires_at: string | null }) => call("post", "/api/access-tokens", { body: input });
export const revokeAccessToken = (tokenId: string) => call("delete", "/api/access-tokens/{tokenId}", { params: { tokenId } });
