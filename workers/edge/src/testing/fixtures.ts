/**
 * Edge test fixtures. Rows go straight into the test database (the edge itself has no database
 * access; only these tests do), and KV entries are written in the projection's own format.
 */
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { createHttpDb } from "@xr2/db/client";
import { apiKeys, environments, experiments, experimentVariants, prompts, promptVersions, users, workspaces } from "@xr2/db/schema";
import { kvKeys, newId, sha256Hex, type ApiKeyRecord, type PublishedPrompt } from "@xr2/shared";

export function database() {
  const services = inject("services");
  return createHttpDb({ databaseUrl: services.DATABASE_URL, localEndpoint: services.NEON_LOCAL_ENDPOINT }).db;
}

export interface PublishedFixture {
  workspaceId: string;
  promptId: string;
  versionId: string;
  slug: string;
  apiKey: string;
  keyId: string;
}

/** A workspace with one prompt published to production and an API key, in Postgres only. */
export async function createPublishedPrompt(
  opts: {
    content?: string;
    messages?: Array<{ role: "system" | "user" | "assistant"; content: string }>;
    variables?: PublishedPrompt["variables"];
    scopes?: ApiKeyRecord["scopes"];
    environment?: ApiKeyRecord["environment"];
    expiresAt?: Date;
  } = {},
): Promise<PublishedFixture> {
  const db = database();
  const userId = newId("user");
  const workspaceId = newId("workspace");
  const promptId = newId("prompt");
  const versionId = newId("version");
  const slug = `edge-${promptId.slice(-10)}`;
  await db.insert(users).values({ id: userId, email: `${userId}@example.test`, name: "Edge test" });
  await db.insert(workspaces).values({ id: workspaceId, name: "Edge test", ownerId: userId });
  await db.insert(prompts).values({ id: promptId, workspaceId, slug, name: "Edge prompt" });
  const body = opts.messages ? { kind: "chat" as const, messages: opts.messages } : { kind: "text" as const, content: opts.content ?? "Hello from {product}" };
  const variables = opts.variables ?? [{ name: "product", type: "string" as const, required: false, default: "xR2" }];
  await db.insert(promptVersions).values({ id: versionId, workspaceId, promptId, versionNumber: 1, ...body, variables, status: "production" });
  await db.insert(environments).values({ workspaceId, promptId, environment: "production", versionId });
  const { apiKey, keyId } = await createApiKey(workspaceId, newApiKey(), opts);
  return { workspaceId, promptId, versionId, slug, apiKey, keyId };
}

/** A key in the format the API worker hands out, not yet stored anywhere. */
export function newApiKey(): string {
  return `xr2_test_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** Stores `apiKey` in Postgres (only) as a key of the workspace. */
export async function createApiKey(workspaceId: string, apiKey: string, opts: { scopes?: ApiKeyRecord["scopes"]; environment?: ApiKeyRecord["environment"]; expiresAt?: Date } = {}): Promise<{ apiKey: string; keyId: string }> {
  const keyId = newId("apiKey");
  await database().insert(apiKeys).values({
    id: keyId,
    workspaceId,
    name: "edge test key",
    keyHash: sha256Hex(apiKey),
    prefix: apiKey.slice(0, 12),
    scopes: opts.scopes ?? ["prompts:read", "events:write"],
    environment: opts.environment ?? null,
    expiresAt: opts.expiresAt ?? null,
  });
  return { apiKey, keyId };
}

/**
 * Calls `attempt` until `done` accepts its result or `timeoutMs` passes, and returns the last
 * result, so the caller's assertion shows what was seen. For changes that must reach the edge
 * within a bound: the test asserts that they arrive, not how fast.
 */
export async function pollUntil<T>(attempt: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (done(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function readProjection(workspaceId: string, slug: string): Promise<PublishedPrompt | null> {
  return env.PROMPTS_KV.get(kvKeys.publishedPrompt(workspaceId, "production", slug), "json");
}

/**
 * A running experiment on the fixture's production environment, in Postgres only (the API worker
 * projects it into KV on the edge's first miss): the published v1 as control, a v2 as treatment.
 */
export async function startExperiment(fixture: PublishedFixture, weights: [number, number], treatmentVariables: PublishedPrompt["variables"] = [{ name: "product", type: "string", required: false, default: "xR2" }]) {
  const db = database();
  const treatmentVersionId = newId("version");
  await db.insert(promptVersions).values({
    id: treatmentVersionId,
    workspaceId: fixture.workspaceId,
    promptId: fixture.promptId,
    versionNumber: 2,
    kind: "text",
    content: "Try {product} today",
    variables: treatmentVariables,
    modelConfig: { model: "treatment-model" },
    status: "testing",
  });
  const experimentId = newId("experiment");
  await db.insert(experiments).values({ id: experimentId, workspaceId: fixture.workspaceId, promptId: fixture.promptId, environment: "production", name: "Edge split", primaryEvent: "purchase", status: "running", startedAt: new Date() });
  const variants = [
    { key: "control", weight: weights[0], versionId: fixture.versionId },
    { key: "treatment", weight: weights[1], versionId: treatmentVersionId },
  ];
  await db.insert(experimentVariants).values(
    variants.map((variant, position) => ({ id: newId("variant"), workspaceId: fixture.workspaceId, experimentId, promptId: fixture.promptId, position, ...variant })),
  );
  return { experimentId, treatmentVersionId, variants };
}
