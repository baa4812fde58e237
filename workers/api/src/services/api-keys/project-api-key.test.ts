import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { apiKeys } from "@xr2/db/schema";
import { apiKeyRecordSchema, kvKeys, newId, sha256Hex } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { createPromptFixture, testContext } from "../../testing/fixtures.ts";
import { projectApiKey } from "./project-api-key.ts";
import { resolveApiKey } from "./resolve-api-key.ts";

let ctx: ServiceContext;
afterEach(async () => {
  await ctx?.dispose();
});

async function insertKey(workspaceId: string, overrides: Partial<typeof apiKeys.$inferInsert> = {}) {
  const keyHash = sha256Hex(`xr2_live_${crypto.randomUUID()}`);
  const id = newId("apiKey");
  await ctx.db().insert(apiKeys).values({ id, workspaceId, name: "test", keyHash, prefix: "xr2_live_abc", scopes: ["prompts:read"], ...overrides });
  return { id, keyHash };
}

async function kvEntry(keyHash: string) {
  const raw = await ctx.kv.get(kvKeys.apiKey(keyHash), "json");
  return raw === null ? null : apiKeyRecordSchema.parse(raw);
}

describe("projectApiKey / resolveApiKey", () => {
  it("project a live key's record into KV (expired keys too: the edge checks expiry itself)", async () => {
    ctx = testContext();
    const { workspaceId } = await createPromptFixture(ctx);
    const expiresAt = new Date(Date.now() - 1000);
    const key = await insertKey(workspaceId, { environment: "production", expiresAt });
    const record = await resolveApiKey({ ctx, input: { keyHash: key.keyHash } });
    expect(record).toEqual({ key_id: key.id, workspace_id: workspaceId, scopes: ["prompts:read"], environment: "production", expires_at: expiresAt.toISOString() });
    expect(await kvEntry(key.keyHash)).toEqual(record);
  });

  it("write nothing for unknown or revoked keys", async () => {
    ctx = testContext();
    const { workspaceId } = await createPromptFixture(ctx);
    const revoked = await insertKey(workspaceId, { revokedAt: new Date() });
    expect(await projectApiKey({ ctx, input: { keyHash: revoked.keyHash } })).toBeNull();
    expect(await kvEntry(revoked.keyHash)).toBeNull();
    const unknown = sha256Hex("xr2_live_never_issued");
    expect(await resolveApiKey({ ctx, input: { keyHash: unknown } })).toBeNull();
    expect(await kvEntry(unknown)).toBeNull();
  });

  it("delete the entry again when the key is revoked while it is being written", async () => {
    ctx = testContext();
    const { workspaceId } = await createPromptFixture(ctx);
    const key = await insertKey(workspaceId);
    // The revocation commits (and deletes the entry) between our read and our write.
    const racing: ServiceContext = {
      ...ctx,
      kv: {
        put: async (...args: Parameters<KVNamespace["put"]>) => {
          await ctx.db().update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, key.id));
          await ctx.kv.delete(kvKeys.apiKey(key.keyHash));
          await ctx.kv.put(...args);
        },
        delete: (name: string) => ctx.kv.delete(name),
      } as unknown as KVNamespace,
    };
    expect(await projectApiKey({ ctx: racing, input: { keyHash: key.keyHash } })).toBeNull();
    expect(await kvEntry(key.keyHash)).toBeNull();
  });
});
