// The shapes of the management API that more than one page reads, as its contract
// (/api/openapi.json, generated into openapi.d.ts) defines them. Page-specific shapes live beside
// their page's calls.
import type { Answer, Schemas } from "./contract";

export type Role = Schemas["MyWorkspace"]["role"];
export type Environment = Schemas["Deployment"]["environment"];
export const ENVIRONMENTS: readonly Environment[] = ["development", "staging", "production"];

/** Sessions carry the user; GET /api/auth/me adds is_platform_admin and email_verified (the shell asks unverified users to verify). */
export type User = Schemas["User"] & Partial<Pick<Answer<"get", "/api/auth/me">, "is_platform_admin" | "email_verified">>;

export type Session = Omit<Schemas["Session"], "user"> & { user: User };

export type MyWorkspace = Schemas["MyWorkspace"];
