import { afterEach, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { auditLog, llmProviderKeys } from "@xr2/db/schema";
import { decryptProviderKey } from "../../services/llm/key-encryption.ts";
import { bindingOf } from "../../services/llm/provider-key-owner.ts";
import { withContext, workspaceWith } from "../prompts/prompt-test-support.ts";
import { callStream, chatVersion, FAKE_KEYS } from "./llm-test-support.ts";

/** Everything written to the console while `use` runs. */
async function consoleOutput(use: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) => vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" "))));
  try {
    await use();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines.join("\n");
}

afterEach(() => vi.restoreAllMocks());

describe("provider keys", () => {
  it("saves, lists (suffix only), replaces and deletes workspace and user keys, auditing each change", async () => {
    const { owner } = await workspaceWith();
    const saved = await owner.call("PUT", "/api/llm/workspace-keys/openai", { api_key: FAKE_KEYS.openai });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toEqual({ id: expect.stringMatching(/^pk_/), provider: "openai", scope: "workspace", key_suffix: `…${FAKE_KEYS.openai.slice(-4)}`, last_used_at: null, created_at: expect.any(String), updated_at: expect.any(String) });
    expect(JSON.stringify(saved.body)).not.toContain(FAKE_KEYS.openai);
    const replaced = await owner.call("PUT", "/api/llm/workspace-keys/openai", { api_key: "sk-another-key-abcd" });
    expect(replaced.body).toMatchObject({ id: saved.body!.id, key_suffix: "…abcd" });
    const mine = await owner.call("PUT", "/api/llm/user-keys/anthropic", { api_key: FAKE_KEYS.anthropic });
    expect(mine.body).toMatchObject({ provider: "anthropic", scope: "user" });

    const list = await owner.call("GET", "/api/llm/keys");
    expect(list.body).toEqual({ workspace_keys: [expect.objectContaining({ provider: "openai", key_suffix: "…abcd" })], user_keys: [expect.objectContaining({ provider: "anthropic" })] });
    expect(JSON.stringify(list.body)).not.toMatch(/sk-another|sk-ant-fake/);
    const providers = await owner.call("GET", "/api/llm/providers");
    expect(providers.body!.providers.map((provider: { provider: string; has_workspace_key: boolean; has_user_key: boolean }) => [provider.provider, provider.has_workspace_key, provider.has_user_key])).toEqual([
      ["openai", true, false],
      ["anthropic", false, true],
      ["google", false, false],
    ]);

    expect((await owner.call("DELETE", "/api/llm/workspace-keys/openai")).status).toBe(204);
    expect((await owner.call("DELETE", "/api/llm/workspace-keys/openai")).status).toBe(404);
    expect((await owner.call("DELETE", "/api/llm/user-keys/anthropic")).status).toBe(204);
    const audit = await withContext((ctx) => ctx.db().select().from(auditLog).where(eq(auditLog.targetId, saved.body!.id)).orderBy(auditLog.createdAt, auditLog.id));
    expect(audit.map((row) => [row.action, row.workspaceId, row.before, row.after])).toEqual([
      ["llm_key.create", owner.workspaceId, null, { provider: "openai", scope: "workspace", key_suffix: `…${FAKE_KEYS.openai.slice(-4)}` }],
      ["llm_key.replace", owner.workspaceId, { provider: "openai", scope: "workspace", key_suffix: `…${FAKE_KEYS.openai.slice(-4)}` }, { provider: "openai", scope: "workspace", key_suffix: "…abcd" }],
      ["llm_key.delete", owner.workspaceId, { provider: "openai", scope: "workspace", key_suffix: "…abcd" }, null],
    ]);
    const userAudit = await withContext((ctx) => ctx.db().select().from(auditLog).where(eq(auditLog.targetId, mine.body!.id)).orderBy(auditLog.createdAt, auditLog.id));
    expect(userAudit.map((row) => [row.action, row.workspaceId, row.actorUserId])).toEqual([
      ["llm_key.create", null, owner.session.user.id],
      ["llm_key.delete", null, owner.session.user.id],
    ]);
  });

  it("stores only ciphertext that decrypts with the master key and the row it belongs to", async () => {
    const { owner } = await workspaceWith();
    const saved = await owner.call("PUT", "/api/llm/workspace-keys/google", { api_key: FAKE_KEYS.google });
    await withContext(async (ctx) => {
      const [row] = await ctx.db().select().from(llmProviderKeys).where(eq(llmProviderKeys.id, saved.body!.id));
      expect(JSON.stringify(row)).not.toContain(FAKE_KEYS.google);
      expect(JSON.stringify(row)).not.toContain(btoa(FAKE_KEYS.google).slice(0, 16));
      expect(row!.encryptionKeyId).toMatch(/^[0-9a-f]{16}$/);
      expect(await decryptProviderKey(ctx.env, row!, bindingOf(row!))).toBe(FAKE_KEYS.google);
      // Another master key, or the ciphertext on another row, does not open it.
      const otherKey = { ...ctx.env, ENCRYPTION_KEY: btoa(String.fromCharCode(...new Uint8Array(32).fill(9))), ENCRYPTION_KEYS_PREVIOUS: [] };
      await expect(decryptProviderKey(otherKey, row!, bindingOf(row!))).rejects.toThrow(/master key/);
      await expect(decryptProviderKey(ctx.env, row!, bindingOf({ ...row!, id: "pk_someoneelse" }))).rejects.toThrow(/could not be decrypted/);
      // After a rotation the old master key still opens it from ENCRYPTION_KEYS_PREVIOUS.
      const rotated = { ...ctx.env, ENCRYPTION_KEY: otherKey.ENCRYPTION_KEY, ENCRYPTION_KEYS_PREVIOUS: [ctx.env.ENCRYPTION_KEY] };
      expect(await decryptProviderKey(rotated, row!, bindingOf(row!))).toBe(FAKE_KEYS.google);
    });
  });

  it("never writes a key to the logs while saving, testing and running", async () => {
    const { owner } = await workspaceWith();
    const wrongKey = "sk-wrong-key-that-must-not-leak-9876";
    const output = await consoleOutput(async () => {
      for (const provider of ["openai", "anthropic", "google"] as const) {
        await owner.call("PUT", `/api/llm/workspace-keys/${provider}`, { api_key: FAKE_KEYS[provider] });
        expect((await owner.call("POST", "/api/llm/test-key", { provider })).status).toBe(200);
        expect((await owner.call("POST", "/api/llm/test-key", { provider, api_key: wrongKey })).status).toBe(422);
      }
      const { promptId, versionId } = await chatVersion(owner);
      for (const provider of ["openai", "anthropic", "google"] as const) {
        const run = await callStream(owner, "/api/llm/run", { prompt_id: promptId, version_id: versionId, variables: { name: "Ada" }, provider, model: provider === "openai" ? "gpt-4o" : provider === "anthropic" ? "claude-haiku-4-5" : "gemini-2.5-flash" });
        expect(run.status).toBe(200);
      }
      await owner.call("PUT", "/api/llm/workspace-keys/openai", { api_key: wrongKey });
      const { promptId: other, versionId: otherVersion } = await chatVersion(owner);
      expect((await callStream(owner, "/api/llm/run", { prompt_id: other, version_id: otherVersion, variables: { name: "Ada" } })).status).toBe(422);
    });
    expect(output.length).toBeGreaterThan(0);
    for (const key of [...Object.values(FAKE_KEYS), wrongKey]) expect(output).not.toContain(key);
  });

  it("test-key names the provider's answer for a wrong key, and accepts the right one", async () => {
    const { owner } = await workspaceWith();
    const cases = [
      ["openai", /^OpenAI rejected the key \(401 invalid_api_key: Incorrect API key provided/],
      ["anthropic", /^Anthropic rejected the key \(401 authentication_error: invalid x-api-key\)$/],
      ["google", /^Google rejected the key \(400 API_KEY_INVALID: API key not valid\. Please pass a valid API key\.\)$/],
    ] as const;
    for (const [provider, message] of cases) {
      const wrong = await owner.call("POST", "/api/llm/test-key", { provider, api_key: "wrong-key-123456" });
      expect(wrong.status).toBe(422);
      expect(wrong.body!.error).toMatchObject({ code: "PROVIDER_REJECTED", message: expect.stringMatching(message), details: { provider } });
      const right = await owner.call("POST", "/api/llm/test-key", { provider, api_key: FAKE_KEYS[provider] });
      expect(right.body).toEqual({ provider, valid: true, key_source: "request", key_suffix: `…${FAKE_KEYS[provider].slice(-4)}` });
    }
    const none = await owner.call("POST", "/api/llm/test-key", { provider: "google" });
    expect(none.body!.error.code).toBe("LLM_KEY_MISSING");
  });

  it("lists providers with the dated price table", async () => {
    const { owner } = await workspaceWith("viewer");
    const providers = await owner.call("GET", "/api/llm/providers");
    expect(providers.body!.prices_as_of).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const openai = providers.body!.providers[0];
    expect(openai.models).toEqual(expect.arrayContaining([{ model: "gpt-4o-mini", name: "GPT-4o mini", input_per_million: 0.15, output_per_million: 0.6, cached_input_per_million: 0.075, context_window: 128_000 }]));
  });

  it("validates key bodies (400), lets only Admins manage workspace keys (403) and scopes them to the workspace", async () => {
    const { owner, members } = await workspaceWith("member", "viewer");
    const { owner: outsider } = await workspaceWith();
    for (const body of [{}, { api_key: "short" }, { api_key: "has spaces in it" }, { api_key: "x".repeat(513) }, { api_key: FAKE_KEYS.openai, scope: "user" }]) {
      expect((await owner.call("PUT", "/api/llm/workspace-keys/openai", body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await owner.call("PUT", "/api/llm/workspace-keys/mistral", { api_key: FAKE_KEYS.openai })).status).toBe(400);
    expect((await members[0].call("PUT", "/api/llm/workspace-keys/openai", { api_key: FAKE_KEYS.openai })).status).toBe(403);
    // Anyone may keep their own key.
    expect((await members[1].call("PUT", "/api/llm/user-keys/openai", { api_key: FAKE_KEYS.openai })).status).toBe(200);
    await owner.call("PUT", "/api/llm/workspace-keys/openai", { api_key: FAKE_KEYS.openai });
    expect((await outsider.call("GET", "/api/llm/keys")).body).toEqual({ workspace_keys: [], user_keys: [] });
    expect((await outsider.call("DELETE", "/api/llm/workspace-keys/openai")).status).toBe(404);
    expect((await outsider.call("GET", "/api/llm/keys", undefined, owner.workspaceId)).status).toBe(404);
  });
});
