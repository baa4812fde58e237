import { afterEach, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { deployments, environments, promptVersions } from "@xr2/db/schema";
import { ApiError, kvKeys, publishedPromptSchema } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { createPromptFixture, testContext } from "../../testing/fixtures.ts";
import { publishVersion } from "./publish-version.ts";
import { resolvePublishedPrompt } from "./resolve-published-prompt.ts";
import { rollbackPrompt } from "./rollback-prompt.ts";

let ctx: ServiceContext;
afterEach(async () => {
  await ctx?.dispose();
});

async function kvEntry(workspaceId: string, slug: string) {
  const raw = await ctx.kv.get(kvKeys.publishedPrompt(workspaceId, "production", slug), "json");
  return raw === null ? null : publishedPromptSchema.parse(raw);
}

describe("publishVersion", () => {
  it("commits the pointer, history and status in Postgres, then projects the version into KV", async () => {
    ctx = testContext();
    const fixture = await createPromptFixture(ctx, ["Hello {name}", "Hi {name}!"]);

    await publishVersion({ ctx, input: { workspaceId: fixture.workspaceId, promptId: fixture.promptId, versionId: fixture.versionIds[0]!, environment: "production", actorUserId: fixture.userId } });
    expect(await kvEntry(fixture.workspaceId, fixture.slug)).toMatchObject({ version_id: fixture.versionIds[0], version: 1, content: "Hello {name}", prompt_id: fixture.promptId });

    const second = await publishVersion({ ctx, input: { workspaceId: fixture.workspaceId, promptId: fixture.promptId, versionId: fixture.versionIds[1]!, environment: "production", actorUserId: fixture.userId } });
    expect(await kvEntry(fixture.workspaceId, fixture.slug)).toMatchObject({ version_id: fixture.versionIds[1], version: 2, content: "Hi {name}!" });

    const [pointer] = await ctx.db().select().from(environments).where(and(eq(environments.promptId, fixture.promptId), eq(environments.environment, "production")));
    expect(pointer).toMatchObject({ versionId: fixture.versionIds[1], deploymentId: second.deployment_id });
    const history = await ctx.db().select().from(deployments).where(eq(deployments.promptId, fixture.promptId)).orderBy(deployments.createdAt);
    expect(history.map((row) => [row.fromVersionId, row.toVersionId])).toEqual([
      [null, fixture.versionIds[0]],
      [fixture.versionIds[0], fixture.versionIds[1]],
    ]);
    // Production serves v2 alone now: v1 is back to testing.
    const statuses = await ctx.db().select({ id: promptVersions.id, status: promptVersions.status }).from(promptVersions).where(eq(promptVersions.promptId, fixture.promptId));
    expect(Object.fromEntries(statuses.map((row) => [row.id, row.status]))).toEqual({ [fixture.versionIds[0]!]: "testing", [fixture.versionIds[1]!]: "production" });
  });

  it("orders concurrent publishes and rollbacks of one environment: each deployment starts from the version live before it", async () => {
    ctx = testContext();
    // Only real Postgres (TEST_DATABASE_URL) runs these transactions at once, where only the
    // prompt's lock orders them; PGlite, the default test database, runs one transaction at a
    // time, so there it checks the outcome of concurrent connections without the race.
    const fixture = await createPromptFixture(ctx, ["v1 {name}", "v2 {name}", "v3 {name}", "v4 {name}"]);
    const contexts = fixture.versionIds.map(() => testContext());
    const input = { workspaceId: fixture.workspaceId, promptId: fixture.promptId, environment: "production" as const, actorUserId: fixture.userId };
    try {
      // The first deployment to an environment has no pointer row to lock yet.
      const published = await Promise.allSettled(fixture.versionIds.map((versionId, index) => publishVersion({ ctx: contexts[index]!, input: { ...input, versionId } })));
      expect(published.map((result) => result.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled"]);
      // Two rollbacks at once go back two steps, never to what already serves.
      const rolledBack = await Promise.allSettled([rollbackPrompt({ ctx: contexts[0]!, input }), rollbackPrompt({ ctx: contexts[1]!, input })]);
      expect(rolledBack.map((result) => result.status)).toEqual(["fulfilled", "fulfilled"]);
    } finally {
      await Promise.all(contexts.map((context) => context.dispose()));
    }

    const history = await ctx.db().select().from(deployments).where(eq(deployments.promptId, fixture.promptId)).orderBy(deployments.createdAt, deployments.id);
    expect(history).toHaveLength(6);
    expect(history[0]!.fromVersionId).toBeNull();
    for (let index = 1; index < history.length; index++) {
      expect(history[index]!.fromVersionId, `deployment ${index}`).toBe(history[index - 1]!.toVersionId);
      expect(history[index]!.toVersionId, `deployment ${index}`).not.toBe(history[index]!.fromVersionId);
    }
    const [forward3, forward4] = [history[2]!.toVersionId, history[3]!.toVersionId];
    expect(history.slice(4).map((row) => [row.action, row.toVersionId])).toEqual([
      ["rollback", forward3],
      ["rollback", history[1]!.toVersionId],
    ]);
    expect(history[4]!.fromVersionId).toBe(forward4);
    const [pointer] = await ctx.db().select().from(environments).where(and(eq(environments.promptId, fixture.promptId), eq(environments.environment, "production")));
    expect(pointer).toMatchObject({ versionId: history[5]!.toVersionId, deploymentId: history[5]!.id });
    const statuses = await ctx.db().select({ id: promptVersions.id, status: promptVersions.status }).from(promptVersions).where(eq(promptVersions.promptId, fixture.promptId));
    expect(statuses.filter((row) => row.status === "production").map((row) => row.id)).toEqual([pointer!.versionId]);
    expect(await kvEntry(fixture.workspaceId, fixture.slug)).toMatchObject({ version_id: pointer!.versionId });
  });

  it("answers NOT_FOUND for a prompt of another workspace and changes nothing", async () => {
    ctx = testContext();
    const mine = await createPromptFixture(ctx);
    const theirs = await createPromptFixture(ctx);

    const attempt = publishVersion({ ctx, input: { workspaceId: mine.workspaceId, promptId: theirs.promptId, versionId: theirs.versionIds[0]!, environment: "production", actorUserId: mine.userId } });
    await expect(attempt).rejects.toThrow(ApiError);
    await expect(attempt).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await ctx.db().select().from(environments).where(eq(environments.promptId, theirs.promptId))).toEqual([]);
    expect(await kvEntry(mine.workspaceId, theirs.slug)).toBeNull();
  });

  it("leaves Postgres and KV unchanged when the transaction fails after its first writes", async () => {
    ctx = testContext();
    const fixture = await createPromptFixture(ctx, ["v1", "v2"]);
    await publishVersion({ ctx, input: { workspaceId: fixture.workspaceId, promptId: fixture.promptId, versionId: fixture.versionIds[0]!, environment: "production", actorUserId: null } });

    // Fault injected in the database: moving this prompt's pointer fails, after the deployment
    // row of the same transaction has been written.
    const trigger = `fail_${fixture.promptId.slice(-8)}`;
    await ctx.db().execute(sql.raw(`create function ${trigger}() returns trigger language plpgsql as $$ begin if new.prompt_id = '${fixture.promptId}' then raise exception 'injected fault'; end if; return new; end $$`));
    await ctx.db().execute(sql.raw(`create trigger ${trigger} before update on environments for each row execute function ${trigger}()`));
    try {
      const attempt = publishVersion({ ctx, input: { workspaceId: fixture.workspaceId, promptId: fixture.promptId, versionId: fixture.versionIds[1]!, environment: "production", actorUserId: null } });
      await expect(attempt).rejects.toMatchObject({ cause: expect.objectContaining({ message: expect.stringContaining("injected fault") }) });
    } finally {
      await ctx.db().execute(sql.raw(`drop trigger ${trigger} on environments; drop function ${trigger}()`));
    }

    expect(await kvEntry(fixture.workspaceId, fixture.slug)).toMatchObject({ version_id: fixture.versionIds[0] });
    expect(await ctx.db().select().from(deployments).where(eq(deployments.promptId, fixture.promptId))).toHaveLength(1);
    const [v2] = await ctx.db().select({ status: promptVersions.status }).from(promptVersions).where(eq(promptVersions.id, fixture.versionIds[1]!));
    expect(v2?.status).toBe("draft");
  });
});

describe("resolvePublishedPrompt (the edge's KV miss)", () => {
  it("answers from Postgres and back-fills KV", async () => {
    ctx = testContext();
    const fixture = await createPromptFixture(ctx, ["Hello {name}"]);
    await publishVersion({ ctx, input: { workspaceId: fixture.workspaceId, promptId: fixture.promptId, versionId: fixture.versionIds[0]!, environment: "production", actorUserId: null } });
    await ctx.kv.delete(kvKeys.publishedPrompt(fixture.workspaceId, "production", fixture.slug));

    const resolved = await resolvePublishedPrompt({ ctx, input: { workspaceId: fixture.workspaceId, environment: "production", slug: fixture.slug } });
    expect(resolved).toMatchObject({ version_id: fixture.versionIds[0], slug: fixture.slug });
    expect(await kvEntry(fixture.workspaceId, fixture.slug)).toEqual(resolved);
  });

  it("finds nothing for another workspace's slug or an unpublished environment", async () => {
    ctx = testContext();
    const mine = await createPromptFixture(ctx);
    const theirs = await createPromptFixture(ctx);
    await publishVersion({ ctx, input: { workspaceId: theirs.workspaceId, promptId: theirs.promptId, versionId: theirs.versionIds[0]!, environment: "production", actorUserId: null } });

    expect(await resolvePublishedPrompt({ ctx, input: { workspaceId: mine.workspaceId, environment: "production", slug: theirs.slug } })).toBeNull();
    expect(await resolvePublishedPrompt({ ctx, input: { workspaceId: theirs.workspaceId, environment: "staging", slug: theirs.slug } })).toBeNull();
  });
});
