/**
 * Edge test fixtures. Rows go straight into the test database (the edge itself has no database
 * access; only these tests do), and KV entries are written in the projection's own format.
 */
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { createHttpDb } from "@xr2/db/client";
import { apiKeys, environments, prompts, promptVersions, users, workspaces } from "@xr2/db/schema";
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
export async function createPublishedPrompt(opts: { content?: string; scopes?: ApiKeyRecord["scopes"]; environment?: ApiKeyRecord["environment"]; expiresAt?: Date } = {}): Promise<PublishedFixture> {
  const db = database();
  const userId = newId("user");
  const workspaceId = newId("workspace");
  const promptId = newId("prompt");
  const versionId = newId("version");
  const keyId = newId("apiKey");
  const slug = `edge-${promptId.slice(-10)}`;
  const apiKey = `xr2_test_${crypto.randomUUID().replaceAll("-", "")}`;
  await db.insert(users).values({ id: userId, email: `${userId}@example.test`, name: "Edge test" });
  await db.insert(workspaces).values({ id: workspaceId, name: "Edge test", ownerId: userId });
  await db.insert(prompts).values({ id: promptId, workspaceId, slug, name: "Edge prompt" });
  await db.insert(promptVersions).values({ id: versionId, workspaceId, promptId, versionNumber: 1, kind: "text", content: opts.content ?? "Hello from {product}", status: "production" });
  await db.insert(environments).values({ workspaceId, promptId, environment: "production", versionId });
  await db.insert(apiKeys).values({
    id: keyId,
    workspaceId,
    name: "edge test key",
    keyHash: await sha256Hex(apiKey),
    prefix: apiKey.slice(0, 12),
    scopes: opts.scopes ?? ["prompts:read", "events:write"],
    environment: opts.environment ?? null,
    expiresAt: opts.expiresAt ?? null,
  });
  return { workspaceId, promptId, versionId, slug, apiKey, keyId };
}

export async function readProjection(workspaceId: string, slug: string): Promise<PublishedPrompt | null> {
  return env.PROMPTS_KV.get(kvKeys.publishedPrompt(workspaceId, "production", slug), "json");
}
