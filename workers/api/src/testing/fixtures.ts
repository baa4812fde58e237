/** Test fixtures for API worker tests: real rows in the test database, one fresh workspace each. */
import { env } from "cloudflare:workers";
import { parseEnv, newId } from "@xr2/shared";
import { prompts, promptVersions, users, workspaceMembers, workspaces } from "@xr2/db/schema";
import { createServiceContext, type ServiceContext } from "../context.ts";
import { apiEnvSchema } from "../env.ts";

export function testContext(overrides: Record<string, unknown> = {}): ServiceContext {
  return createServiceContext(parseEnv(apiEnvSchema, { ...env, ...overrides }), newId("request"));
}

export interface PromptFixture {
  userId: string;
  workspaceId: string;
  promptId: string;
  slug: string;
  versionIds: string[];
}

/** One prompt with text versions (v1, v2, …) in an existing workspace. */
export async function addPrompt(ctx: ServiceContext, workspaceId: string, versions: string[]): Promise<{ promptId: string; slug: string; versionIds: string[] }> {
  const promptId = newId("prompt");
  const slug = `prompt-${promptId.slice(-8)}`;
  const versionIds = versions.map(() => newId("version"));
  await ctx.db().transaction(async (tx) => {
    await tx.insert(prompts).values({ id: promptId, workspaceId, slug, name: "Test prompt" });
    await tx.insert(promptVersions).values(
      versions.map((content, index) => ({ id: versionIds[index]!, workspaceId, promptId, versionNumber: index + 1, kind: "text" as const, content })),
    );
  });
  return { promptId, slug, versionIds };
}

/** A user, their workspace and one prompt with `versions` text versions (v1, v2, …). */
export async function createPromptFixture(ctx: ServiceContext, versions: string[] = ["Hello {name}"]): Promise<PromptFixture> {
  const userId = newId("user");
  const workspaceId = newId("workspace");
  const promptId = newId("prompt");
  const slug = `prompt-${promptId.slice(-8)}`;
  const versionIds = versions.map(() => newId("version"));
  await ctx.db().transaction(async (tx) => {
    await tx.insert(users).values({ id: userId, email: `${userId}@example.test`, name: "Test user" });
    await tx.insert(workspaces).values({ id: workspaceId, name: "Test workspace", ownerId: userId });
    await tx.insert(workspaceMembers).values({ workspaceId, userId, role: "admin" });
    await tx.insert(prompts).values({ id: promptId, workspaceId, slug, name: "Test prompt" });
    await tx.insert(promptVersions).values(
      versions.map((content, index) => ({
        id: versionIds[index]!,
        workspaceId,
        promptId,
        versionNumber: index + 1,
        kind: "text" as const,
        content,
        variables: [{ name: "name", type: "string" as const, required: true }],
      })),
    );
  });
  return { userId, workspaceId, promptId, slug, versionIds };
}
