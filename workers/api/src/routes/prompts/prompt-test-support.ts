/** Shared set-up of the prompt, version and tag route tests: a workspace with people in given roles. */
import { expect } from "vitest";
import type { ServiceContext } from "../../context.ts";
import type { Role } from "../../permissions.ts";
import { testContext } from "../../testing/fixtures.ts";
import { call, createTeam, type TestSession } from "../../testing/http.ts";

export interface Actor {
  session: TestSession;
  workspaceId: string;
  /** Calls the API as this person, in their workspace (or `workspaceId` when given). */
  call(method: string, path: string, body?: unknown, workspaceId?: string): ReturnType<typeof call>;
}

function actor(session: TestSession, workspaceId: string): Actor {
  return {
    session,
    workspaceId,
    call: (method, path, body, otherWorkspaceId) => call(method, path, { token: session.access_token, workspaceId: otherWorkspaceId ?? workspaceId, ...(body === undefined ? {} : { body }) }),
  };
}

/** A new workspace owned by an Admin, plus one person per entry of `roles` (see createTeam). */
export async function workspaceWith<const R extends readonly Role[]>(...roles: R): Promise<{ owner: Actor; members: { [K in keyof R]: Actor } }> {
  const team = await createTeam([...roles]);
  return { owner: actor(team.owner, team.workspace.id), members: team.members.map((member) => actor(member, team.workspace.id)) as { [K in keyof R]: Actor } };
}

export const uniqueSlug = (prefix = "prompt") => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

/** Creates a prompt through the API and returns its body. */
export async function createPrompt(as: Actor, fields: Record<string, unknown> = {}) {
  const response = await as.call("POST", "/api/prompts", { slug: uniqueSlug(), name: "Welcome e-mail", ...fields });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; slug: string; name: string; tags: Array<{ id: string; name: string; color: string }>; [field: string]: unknown };
}

/** Creates a version through the API and returns its body. */
export async function createVersion(as: Actor, promptId: string, fields: Record<string, unknown> = { content: "Hello {name}" }) {
  const response = await as.call("POST", `/api/prompts/${promptId}/versions`, fields);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; version_number: number; status: string; [field: string]: unknown };
}

/** Runs `use` with a service context of its own (for direct database checks) and closes it after. */
export async function withContext<T>(use: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  const ctx = testContext();
  try {
    return await use(ctx);
  } finally {
    await ctx.dispose();
  }
}
