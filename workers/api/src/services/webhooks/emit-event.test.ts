import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { users } from "@xr2/db/schema";
import { WEBHOOK_PAYLOAD_SCHEMAS } from "@xr2/shared";
import { createPromptFixture, testContext } from "../../testing/fixtures.ts";
import { promptRef, versionRef, webhookActor, webhookPayload } from "./emit-event.ts";

const PROMPT = { id: "pr_01jf3v2k9q8m7n6b5c4x3z2y1b", slug: "welcome", name: "Welcome" };

describe("webhookPayload", () => {
  it("adds the workspace, the actor and the site's link to what the change site gives, matching the type's schema", () => {
    const actor = { user_id: "usr_1", email: "pat@example.com" };
    const payload = webhookPayload(
      { SITE_URL: "https://site.test/ignored/path" },
      { type: "version.created", workspaceId: "ws_1", actorUserId: "usr_1", data: { prompt: PROMPT, version: { id: "pv_1", number: 2, changelog: null }, origin: "created" } },
      actor,
    );
    expect(payload).toEqual({ workspace_id: "ws_1", prompt: PROMPT, version: { id: "pv_1", number: 2, changelog: null }, origin: "created", actor, url: `https://site.test/prompts/${PROMPT.id}?tab=versions` });
    expect(WEBHOOK_PAYLOAD_SCHEMAS["version.created"].parse(payload)).toEqual(payload);
  });

  it("sends no link, rather than failing the change, when the deployment has no SITE_URL", () => {
    const payload = webhookPayload({ SITE_URL: undefined }, { type: "api_key.revoked", workspaceId: "ws_1", actorUserId: null, data: { api_key: { id: "key_1", name: "App", prefix: "xr2_live_abc" } } }, null);
    expect(payload).toEqual({ workspace_id: "ws_1", api_key: { id: "key_1", name: "App", prefix: "xr2_live_abc" }, actor: null, url: null });
    expect(WEBHOOK_PAYLOAD_SCHEMAS["api_key.revoked"].safeParse(payload).success).toBe(true);
  });
});

describe("what payloads read in the change's transaction", () => {
  it("names the actor by id and e-mail (null for none or a deleted account), and the prompt and version of the workspace only", async () => {
    const ctx = testContext();
    try {
      const fixture = await createPromptFixture(ctx);
      const other = await createPromptFixture(ctx);
      await ctx.db().transaction(async (tx) => {
        expect(await webhookActor(tx, fixture.userId)).toEqual({ user_id: fixture.userId, email: `${fixture.userId}@example.test` });
        expect(await webhookActor(tx, null)).toBeNull();
        expect(await webhookActor(tx, "usr_gone")).toBeNull();
        expect(await promptRef(tx, { workspaceId: fixture.workspaceId, promptId: fixture.promptId })).toEqual({ id: fixture.promptId, slug: fixture.slug, name: "Test prompt" });
        expect(await versionRef(tx, { workspaceId: fixture.workspaceId, versionId: fixture.versionIds[0]! })).toEqual({ id: fixture.versionIds[0], number: 1 });
        await expect(promptRef(tx, { workspaceId: fixture.workspaceId, promptId: other.promptId })).rejects.toMatchObject({ code: "NOT_FOUND" });
        await expect(versionRef(tx, { workspaceId: fixture.workspaceId, versionId: other.versionIds[0]! })).rejects.toMatchObject({ code: "NOT_FOUND" });
      });
      // Read inside the transaction: an e-mail changed in it is the one announced.
      await ctx.db().transaction(async (tx) => {
        await tx.update(users).set({ email: "renamed@example.test" }).where(eq(users.id, fixture.userId));
        expect(await webhookActor(tx, fixture.userId)).toEqual({ user_id: fixture.userId, email: "renamed@example.test" });
      });
    } finally {
      await ctx.dispose();
    }
  });
});
