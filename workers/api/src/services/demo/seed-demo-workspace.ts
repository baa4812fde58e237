/**
 * The demo workspace `npm run dev` prints a login and an API key for: a user, a workspace, a
 * few prompts with versions published to production, and an API key. Idempotent: a second run
 * finds the demo user and only makes sure the published versions and the key are in KV.
 * Development only; the route that calls it is not mounted in production.
 */
import { and, eq, sql } from "drizzle-orm";
import { apiKeys, promptVersions, prompts, users, workspaceMembers, workspaces } from "@xr2/db/schema";
import { newId, sha256Hex, type PublishedPrompt } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

type PromptVariable = PublishedPrompt["variables"][number];
import { resolveApiKey } from "../api-keys/resolve-api-key.ts";
import { hashPassword } from "../auth/password.ts";
import { projectEnvironment } from "../prompts/project-published-prompt.ts";
import { publishVersion } from "../prompts/publish-version.ts";

export const DEMO = {
  email: "demo@xr2.local",
  password: "demo-password-123",
  name: "Demo PM",
  workspace: "Demo workspace",
  /** A fixed key so docs and scripts can use it; it exists only in local databases. */
  apiKey: "xr2_dev_demo_0000000000000000000000000000",
} as const;

function required(name: string): PromptVariable {
  return { name, type: "string", required: true };
}

const DEMO_PROMPTS: Array<{ slug: string; name: string; description: string; versions: Array<{ content: string; changelog: string; variables: PromptVariable[] }> }> = [
  {
    slug: "welcome-message",
    name: "Welcome message",
    description: "Greets a new user on the first screen.",
    versions: [
      { content: "Hello {name}! Welcome to {product}.", changelog: "First version", variables: [required("name"), required("product")] },
      {
        content: "Hi {name}, great to have you on {product}. {% if plan %}You are on the {plan} plan.{% endif %}",
        changelog: "Friendlier tone, mentions the plan",
        variables: [required("name"), required("product"), { name: "plan", type: "string", required: false }],
      },
    ],
  },
  {
    slug: "support-triage",
    name: "Support triage",
    description: "Classifies an incoming support ticket.",
    versions: [{ content: "Classify this ticket as billing, bug or question:\n\n{ticket}", changelog: "First version", variables: [required("ticket")] }],
  },
];

export interface DemoCredentials {
  email: string;
  password: string;
  api_key: string;
  workspace_id: string;
  prompt_slugs: string[];
}

export async function seedDemoWorkspace({ ctx }: { ctx: ServiceContext }): Promise<DemoCredentials> {
  const db = ctx.db();
  const [existing] = await db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${DEMO.email}`).limit(1);
  const workspaceId = existing ? await findDemoWorkspace(ctx, existing.id) : await createDemoWorkspace(ctx);
  // A demo user seeded before addresses were verified is verified now, as a new one is.
  if (existing) await db.update(users).set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` }).where(eq(users.id, existing.id));

  // The demo key lives in KV like any key: put it there (for a while) so the edge finds it.
  await resolveApiKey({ ctx, input: { keyHash: sha256Hex(DEMO.apiKey) } });
  for (const demoPrompt of DEMO_PROMPTS) {
    await projectEnvironment({ ctx, input: { workspaceId, environment: "production", slug: demoPrompt.slug } });
  }
  return { email: DEMO.email, password: DEMO.password, api_key: DEMO.apiKey, workspace_id: workspaceId, prompt_slugs: DEMO_PROMPTS.map((p) => p.slug) };
}

async function findDemoWorkspace(ctx: ServiceContext, userId: string): Promise<string> {
  const [membership] = await ctx
    .db()
    .select({ workspaceId: workspaceMembers.workspaceId })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(and(eq(workspaceMembers.userId, userId), eq(workspaces.name, DEMO.workspace)))
    .limit(1);
  if (!membership) throw new Error("the demo user exists without the demo workspace; delete the local data directory to reseed");
  return membership.workspaceId;
}

async function createDemoWorkspace(ctx: ServiceContext): Promise<string> {
  const userId = newId("user");
  const workspaceId = newId("workspace");
  const passwordHash = await hashPassword(DEMO.password);
  const published: Array<{ promptId: string; versionId: string }> = [];
  await ctx.db().transaction(async (tx) => {
    // Verified, so the demo Admin's invitations go out by e-mail (unverified accounts send none).
    await tx.insert(users).values({ id: userId, email: DEMO.email, name: DEMO.name, passwordHash, emailVerifiedAt: new Date() });
    await tx.insert(workspaces).values({ id: workspaceId, name: DEMO.workspace, ownerId: userId });
    await tx.insert(workspaceMembers).values({ workspaceId, userId, role: "admin" });
    for (const demoPrompt of DEMO_PROMPTS) {
      const promptId = newId("prompt");
      await tx.insert(prompts).values({ id: promptId, workspaceId, slug: demoPrompt.slug, name: demoPrompt.name, description: demoPrompt.description, ownerId: userId, createdById: userId });
      let versionNumber = 0;
      for (const version of demoPrompt.versions) {
        const versionId = newId("version");
        versionNumber += 1;
        await tx.insert(promptVersions).values({
          id: versionId,
          workspaceId,
          promptId,
          versionNumber,
          kind: "text",
          content: version.content,
          variables: version.variables,
          modelConfig: { provider: "openai", model: "gpt-4o-mini", temperature: 0.7, max_tokens: 300 },
          changelog: version.changelog,
          createdById: userId,
        });
        if (versionNumber === demoPrompt.versions.length) published.push({ promptId, versionId });
      }
    }
    await tx.insert(apiKeys).values({
      id: newId("apiKey"),
      workspaceId,
      name: "Demo key",
      keyHash: sha256Hex(DEMO.apiKey),
      prefix: DEMO.apiKey.slice(0, 12),
      scopes: ["prompts:read", "events:write"],
      createdById: userId,
    });
  });
  for (const { promptId, versionId } of published) {
    await publishVersion({ ctx, input: { workspaceId, promptId, versionId, environment: "production", actorUserId: userId, note: "demo seed" } });
  }
  return workspaceId;
}
