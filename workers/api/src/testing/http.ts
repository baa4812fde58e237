/** Calls the API worker's app in workerd the way a client would, for route tests. */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { expect } from "vitest";
import { createApiApp } from "../app.ts";
import { linkIn, waitForMail } from "./inbox.ts";

export interface CallOptions {
  body?: unknown;
  rawBody?: string;
  token?: string;
  workspaceId?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Bindings to change for this call (faults, low limits). */
  env?: Record<string, unknown>;
}

export async function call(method: string, path: string, opts: CallOptions = {}) {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined || opts.rawBody !== undefined) headers["content-type"] = opts.contentType ?? "application/json";
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.workspaceId) headers["x-workspace-id"] = opts.workspaceId;
  Object.assign(headers, opts.headers);
  const ctx = createExecutionContext();
  const response = await createApiApp().fetch(
    new Request(`http://api.test${path}`, { method, headers, body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)) }),
    opts.env ? { ...env, ...opts.env } : env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test responses are checked field by field
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as Record<string, any> | null };
}

export interface TestSession {
  access_token: string;
  refresh_token: string;
  user: { id: string; email: string; name: string };
}

export const TEST_PASSWORD = "correct horse battery";
export const uniqueEmail = () => `pm-${crypto.randomUUID()}@example.com`;
/**
 * A client IP (cf-connecting-ip) in a /48 of its own (per-IP limits count IPv6 by /64 and by /48;
 * a unique local address, 40 random bits of /48), so per-IP counters start empty even in a Redis
 * that outlives the run.
 */
export const uniqueIp = () => {
  const hex = crypto.randomUUID().replaceAll("-", "");
  return `fd${hex.slice(0, 2)}:${hex.slice(2, 6)}:${hex.slice(6, 10)}:${hex.slice(10, 14)}::1`;
};

export async function registerUser(email = uniqueEmail(), name = "Pat PM"): Promise<TestSession> {
  const response = await call("POST", "/api/auth/register", { body: { email, password: TEST_PASSWORD, name } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as TestSession;
}

/** Verifies the session's address as its owner would: the link of the verification e-mail in the inbox, used through the real route. */
export async function verifyAddress(session: TestSession): Promise<void> {
  const message = await waitForMail(session.user.email, { subject: /Confirm your e-mail address/ });
  const token = linkIn(message, "/verify-email").searchParams.get("token");
  const verified = await call("POST", "/api/auth/verify-email", { body: { token } });
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
}

/** A registered user whose address is verified (who may send invitation e-mail and accept invitations). */
export async function registerVerifiedUser(email = uniqueEmail(), name = "Pat PM"): Promise<TestSession> {
  const session = await registerUser(email, name);
  await verifyAddress(session);
  return session;
}

export async function createWorkspace(owner: TestSession, name = "Growth team") {
  const created = await call("POST", "/api/workspaces", { token: owner.access_token, body: { name } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; name: string; role: string };
}

/** A workspace with an Admin owner plus a member with each of `roles`, joined through invitations; everyone's address is verified. */
/** `env` is passed to the invitations, e.g. rate-limit overrides whose window a test goes on counting in. */
export async function createTeam(roles: Array<"admin" | "member" | "viewer">, options: { env?: Record<string, unknown> } = {}) {
  const owner = await registerVerifiedUser();
  const workspace = await createWorkspace(owner);
  const members: TestSession[] = [];
  for (const role of roles) {
    const person = await registerVerifiedUser();
    const invite = await call("POST", `/api/workspaces/${workspace.id}/invite`, { token: owner.access_token, body: { email: person.user.email, role }, ...(options.env ? { env: options.env } : {}) });
    expect(invite.status, JSON.stringify(invite.body)).toBe(201);
    const accepted = await call("POST", "/api/workspaces/invitations/accept", { token: person.access_token, body: { invite_token: invite.body!.invite_token } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    members.push(person);
  }
  return { owner, workspace, members };
}
