// The shapes the management API answers (snake_case, as /api/openapi.json documents them) that
// more than one page reads. Page-specific shapes live beside their page.
export type Role = "admin" | "member" | "viewer";
export type Environment = "development" | "staging" | "production";
export const ENVIRONMENTS: readonly Environment[] = ["development", "staging", "production"];

export interface User {
  id: string;
  email: string;
  name: string;
  is_platform_admin?: boolean;
  /** From GET /api/auth/me (sessions carry the user without it); the shell asks unverified users to verify. */
  email_verified?: boolean;
}

export interface Session {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  user: User;
}

export interface MyWorkspace {
  id: string;
  name: string;
  owner_id: string;
  role: Role;
}
