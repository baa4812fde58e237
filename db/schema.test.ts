// The schema as the database sees it: the committed migrations are applied to an in-memory
// PGlite (always) and to a fresh database on a real Postgres (when TEST_DATABASE_URL is set), and
// the constraints the services rely on are checked with real inserts.
import { randomUUID } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { eq, getTableColumns, is, sql } from "drizzle-orm";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import { type PgDatabase, type PgQueryResultHKT, PgTable, getTableConfig } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "./schema/index";

type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
type Connection = { db: Database; close: () => Promise<void> };

const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

const allTables = Object.values(schema as Record<string, unknown>).filter((value): value is PgTable =>
  is(value, PgTable),
);

/** Every table with a workspace_id column, i.e. every workspace-owned table. */
const workspaceOwnedTables = allTables.flatMap((table) => {
  const workspaceId = getTableColumns(table)["workspaceId"];
  return workspaceId ? [{ table, workspaceId, name: getTableConfig(table).name }] : [];
});

function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
}

/** The Postgres error behind a failed drizzle query (drizzle wraps it in DrizzleQueryError). */
async function postgresError(query: PromiseLike<unknown>): Promise<{ code?: string; constraint?: string }> {
  try {
    await query;
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const { code, constraint } = cause as { code?: string; constraint?: string };
    return { code, constraint };
  }
  throw new Error("expected the query to fail");
}

const UNIQUE_VIOLATION = "23505";
const FOREIGN_KEY_VIOLATION = "23503";
const CHECK_VIOLATION = "23514";

async function createUser(db: Database, email = `${newId("u")}@example.com`) {
  const id = newId("usr");
  await db.insert(schema.users).values({ id, email, name: "Test User" });
  return id;
}

async function createWorkspace(db: Database) {
  const ownerId = await createUser(db);
  const workspaceId = newId("ws");
  await db.insert(schema.workspaces).values({ id: workspaceId, name: "Acme", ownerId });
  await db.insert(schema.workspaceMembers).values({ workspaceId, userId: ownerId, role: "admin" });
  return { workspaceId, ownerId };
}

async function createPrompt(db: Database, workspaceId: string, slug = newId("slug")) {
  const id = newId("pr");
  await db.insert(schema.prompts).values({ id, workspaceId, slug, name: "Welcome" });
  return id;
}

async function createVersion(
  db: Database,
  workspaceId: string,
  promptId: string,
  versionNumber: number,
  status: schema.VersionStatus = "draft",
) {
  const id = newId("pv");
  await db.insert(schema.promptVersions).values({
    id,
    workspaceId,
    promptId,
    versionNumber,
    content: `Hello {name}, v${versionNumber}`,
    variables: [{ name: "name", type: "string", required: true }],
    status,
  });
  return id;
}

/** One workspace with a row in every workspace-owned table. */
async function createPopulatedWorkspace(db: Database) {
  const { workspaceId, ownerId } = await createWorkspace(db);
  const promptId = await createPrompt(db, workspaceId);
  const v1 = await createVersion(db, workspaceId, promptId, 1, "production");
  const v2 = await createVersion(db, workspaceId, promptId, 2, "testing");
  const tagId = newId("tag");
  const deploymentId = newId("dep");
  const approvalRequestId = newId("apr");
  const experimentId = newId("exp");
  const apiKeyId = newId("key");
  const webhookId = newId("wh");
  const traceId = newId("tr");
  const hour = new Date("2026-01-01T10:00:00Z");

  await db.insert(schema.workspaceInvitations).values({
    id: newId("inv"),
    workspaceId,
    email: "invitee@example.com",
    role: "viewer",
    tokenHash: newId("hash"),
    invitedById: ownerId,
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  await db.insert(schema.tags).values({ id: tagId, workspaceId, name: "onboarding", color: "#22c55e" });
  await db.insert(schema.promptTags).values({ workspaceId, promptId, tagId });
  await db.insert(schema.deployments).values({
    id: deploymentId,
    workspaceId,
    promptId,
    environment: "production",
    action: "publish",
    toVersionId: v1,
    actorUserId: ownerId,
  });
  await db.insert(schema.environments).values({
    workspaceId,
    promptId,
    environment: "production",
    versionId: v1,
    deploymentId,
  });
  await db.insert(schema.approvalRequests).values({
    id: approvalRequestId,
    workspaceId,
    promptId,
    versionId: v2,
    requestedById: ownerId,
  });
  await db.insert(schema.scheduledDeployments).values({
    id: newId("sdep"),
    workspaceId,
    promptId,
    versionId: v2,
    environment: "production",
    action: "publish",
    runAt: new Date(Date.now() + 3_600_000),
    createdById: ownerId,
  });
  await db.insert(schema.experiments).values({
    id: experimentId,
    workspaceId,
    promptId,
    name: "v1 vs v2",
    primaryEvent: "signup",
    status: "running",
  });
  await db.insert(schema.experimentVariants).values([
    { id: newId("expv"), workspaceId, experimentId, promptId, versionId: v1, key: "control", position: 0, weight: 50 },
    { id: newId("expv"), workspaceId, experimentId, promptId, versionId: v2, key: "b", position: 1, weight: 50 },
  ]);
  await db.insert(schema.apiKeys).values({
    id: apiKeyId,
    workspaceId,
    name: "web app",
    keyHash: newId("hash"),
    prefix: "xr2_live_ab",
    scopes: ["prompts:read", "events:write"],
  });
  await db.insert(schema.apiRequestLog).values({
    id: newId("rlog"),
    workspaceId,
    apiKeyId,
    keyPrefix: "xr2_live_ab",
    method: "GET",
    route: "/api/v1/get-prompt/:slug",
    slug: "welcome",
    status: 200,
    latencyMs: 3,
    source: "http",
    client: "curl",
    requestId: newId("req"),
    receivedAt: new Date(),
  });
  await db.insert(schema.eventDefinitions).values({
    id: newId("evd"),
    workspaceId,
    eventName: "signup",
    category: "conversion",
    requiredFields: [{ name: "user_id", type: "string" }],
  });
  await db.insert(schema.exposures).values({
    traceId,
    workspaceId,
    promptId,
    versionId: v1,
    environment: "production",
    variant: "control",
    experimentId,
    apiKeyId,
    unitId: "user-1",
    latencyMs: 3,
    servedAt: hour,
  });
  await db.insert(schema.fallbackUses).values({
    traceId: newId("trace"),
    workspaceId,
    slug: "welcome",
    environment: "production",
    apiKeyId,
    servedAt: hour,
  });
  await db.insert(schema.events).values({
    workspaceId,
    eventId: newId("evt"),
    traceId,
    eventName: "signup",
    fields: { user_id: "user-1" },
    occurredAt: hour,
    promptId,
    versionId: v1,
    variant: "control",
  });
  const stats = { bucketStart: hour, workspaceId, promptId, versionId: v1, environment: "production" as const };
  await db.insert(schema.promptStatsHourly).values({ ...stats, requests: 1 });
  await db.insert(schema.promptStatsDaily).values({ ...stats, requests: 1 });
  await db.insert(schema.aggregationPendingBuckets).values({ workspaceId, bucketStart: hour });
  await db.insert(schema.auditLog).values({
    id: newId("aud"),
    workspaceId,
    actorUserId: ownerId,
    action: "version.publish",
    targetType: "prompt_version",
    targetId: v1,
    after: { status: "production" },
    requestId: newId("req"),
  });
  await db.insert(schema.workspaceLimits).values({ workspaceId, name: "workspace_requests_per_month", value: 1_000_000 });
  await db.insert(schema.accessTokens).values({
    id: newId("at"),
    workspaceId,
    createdById: ownerId,
    name: "CI",
    scopes: ["prompts:read"],
    tokenHash: newId("hash"),
    tokenPrefix: "xr2_at_abcde",
  });
  await db.insert(schema.llmProviderKeys).values({
    id: newId("llmk"),
    workspaceId,
    provider: "openai",
    ciphertext: "Y2lwaGVy",
    iv: "aXY=",
    encryptionKeyId: "v1",
    keySuffix: "x7Qa",
  });
  await db.insert(schema.llmUsage).values({
    id: newId("llmu"),
    workspaceId,
    userId: ownerId,
    promptId,
    versionId: v1,
    provider: "anthropic",
    model: "claude-sonnet",
    tokensIn: 120,
    tokensOut: 40,
    costMicros: 1_250,
    latencyMs: 900,
    status: "success",
    fallbackFrom: "openai",
  });
  await db.insert(schema.webhooks).values({
    id: webhookId,
    workspaceId,
    url: "https://hooks.example.com/xr2",
    secretCiphertext: "c2VjcmV0",
    secretIv: "aXY=",
    encryptionKeyId: "v1",
    events: ["prompt.published", "prompt.rolled_back"],
  });
  const eventId = newId("msg");
  await db.insert(schema.webhookEvents).values({ id: eventId, workspaceId, type: "version.published", data: { prompt_id: promptId, version_id: v1 } });
  const deliveryId = newId("whd");
  await db.insert(schema.webhookDeliveries).values({
    id: deliveryId,
    workspaceId,
    webhookId,
    eventId,
    event: "version.published",
    payload: { prompt_id: promptId, version_id: v1 },
  });
  await db.insert(schema.webhookDeliveryAttempts).values({ id: newId("wha"), workspaceId, deliveryId, succeeded: false, responseStatus: 500, latencyMs: 12, responseExcerpt: "oops" });
  const alertRuleId = newId("alr");
  await db.insert(schema.alertRules).values({ id: alertRuleId, workspaceId, name: "Errors", metric: "error_rate", promptId, comparison: "above", threshold: 0.05, windowMinutes: 60, state: "firing" });
  await db.insert(schema.alertEvents).values({ id: newId("ale"), workspaceId, ruleId: alertRuleId, kind: "fired", value: 0.1, threshold: 0.05, occurredAt: new Date() });
  return { workspaceId, ownerId, promptId, v1, v2 };
}

/** The constraint checks, run against every database the schema must work on. */
function describeConstraints(connect: () => Promise<Connection>) {
  let connection: Connection;
  let db: Database;

  beforeAll(async () => {
    connection = await connect();
    db = connection.db;
  });
  afterAll(async () => {
    await connection?.close();
  });

  it("creates exactly the tables of the schema", async () => {
    const result = await db.execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    const created = (result as unknown as { rows: { table_name: string }[] }).rows.map((row) => row.table_name);
    expect(created.sort()).toEqual(allTables.map((table) => getTableConfig(table).name).sort());
  });

  it("resolves every relation declared beside the tables", async () => {
    const { workspaceId, promptId } = await createPopulatedWorkspace(db);
    const relationalSchema = db._.schema;
    if (!relationalSchema) throw new Error("the client was created without the schema");
    const query = db.query as unknown as Record<string, { findFirst: (config: object) => Promise<unknown> }>;
    for (const [tableName, { relations }] of Object.entries(relationalSchema)) {
      const withEveryRelation = Object.fromEntries(Object.keys(relations).map((name) => [name, true]));
      const table = query[tableName];
      if (!table) throw new Error(`db.query has no ${tableName}`);
      // Throws when drizzle cannot resolve a relation (e.g. a many() without its one()).
      await table.findFirst({ with: withEveryRelation });
    }

    const workspace = await db.query.workspaces.findFirst({
      where: eq(schema.workspaces.id, workspaceId),
      with: { prompts: { with: { versions: true, environments: { with: { version: true } } } } },
    });
    expect(workspace?.prompts.map((prompt) => prompt.id)).toEqual([promptId]);
    expect(workspace?.prompts[0]?.versions).toHaveLength(2);
    expect(workspace?.prompts[0]?.environments[0]?.version.versionNumber).toBe(1);
  });

  it("keeps prompt slugs unique per workspace, not globally", async () => {
    const a = await createWorkspace(db);
    const b = await createWorkspace(db);
    await createPrompt(db, a.workspaceId, "welcome");

    expect(await postgresError(createPrompt(db, a.workspaceId, "welcome"))).toEqual({
      code: UNIQUE_VIOLATION,
      constraint: "prompts_workspace_id_slug_unique",
    });
    await expect(createPrompt(db, b.workspaceId, "welcome")).resolves.toBeTypeOf("string");
  });

  it("keeps version numbers unique per prompt", async () => {
    const { workspaceId } = await createWorkspace(db);
    const first = await createPrompt(db, workspaceId);
    const second = await createPrompt(db, workspaceId);
    await createVersion(db, workspaceId, first, 1);

    expect(await postgresError(createVersion(db, workspaceId, first, 1))).toEqual({
      code: UNIQUE_VIOLATION,
      constraint: "prompt_versions_prompt_id_version_number_unique",
    });
    await expect(createVersion(db, workspaceId, second, 1)).resolves.toBeTypeOf("string");
  });

  it("keeps API key hashes unique across workspaces", async () => {
    const a = await createWorkspace(db);
    const b = await createWorkspace(db);
    const keyHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    const key = { name: "server", prefix: "xr2_live_9f", scopes: ["prompts:read" as const], keyHash };
    await db.insert(schema.apiKeys).values({ ...key, id: newId("key"), workspaceId: a.workspaceId });

    expect(
      await postgresError(db.insert(schema.apiKeys).values({ ...key, id: newId("key"), workspaceId: b.workspaceId })),
    ).toEqual({ code: UNIQUE_VIOLATION, constraint: "api_keys_key_hash_unique" });
  });

  it("deduplicates events by event_id per workspace", async () => {
    const a = await createWorkspace(db);
    const b = await createWorkspace(db);
    const event = {
      eventId: "client-event-1",
      traceId: newId("tr"),
      eventName: "purchase",
      fields: { amount: 42 },
      occurredAt: new Date(),
    };
    await db.insert(schema.events).values({ ...event, workspaceId: a.workspaceId });

    const retried = await db
      .insert(schema.events)
      .values({ ...event, workspaceId: a.workspaceId, fields: { amount: 43 } })
      .onConflictDoNothing()
      .returning();
    expect(retried).toHaveLength(0);
    const stored = await db.select().from(schema.events).where(eq(schema.events.workspaceId, a.workspaceId));
    expect(stored.map((row) => row.fields)).toEqual([{ amount: 42 }]);

    const otherWorkspace = await db
      .insert(schema.events)
      .values({ ...event, workspaceId: b.workspaceId })
      .onConflictDoNothing()
      .returning();
    expect(otherWorkspace).toHaveLength(1);
  });

  it("records an exposure, and a fallback use, once per trace_id of a workspace, not globally", async () => {
    const { workspaceId } = await createWorkspace(db);
    const promptId = await createPrompt(db, workspaceId);
    const versionId = await createVersion(db, workspaceId, promptId, 1, "production");
    const exposure = {
      traceId: newId("tr"),
      workspaceId,
      promptId,
      versionId,
      environment: "production" as const,
      latencyMs: 2,
      servedAt: new Date(),
    };
    await db.insert(schema.exposures).values(exposure);

    const redelivered = await db.insert(schema.exposures).values(exposure).onConflictDoNothing().returning();
    expect(redelivered).toHaveLength(0);
    expect(await postgresError(db.insert(schema.exposures).values(exposure))).toEqual({
      code: UNIQUE_VIOLATION,
      constraint: "exposures_pk",
    });

    // Another workspace's exposure with the same trace id (an SDK chooses its trace ids) is its own.
    const other = await createWorkspace(db);
    const otherPromptId = await createPrompt(db, other.workspaceId);
    const otherVersionId = await createVersion(db, other.workspaceId, otherPromptId, 1, "production");
    const theirs = { ...exposure, workspaceId: other.workspaceId, promptId: otherPromptId, versionId: otherVersionId };
    expect(await db.insert(schema.exposures).values(theirs).onConflictDoNothing().returning()).toHaveLength(1);

    const fallback = { traceId: exposure.traceId, workspaceId, slug: "not-in-xr2", environment: "production" as const, servedAt: new Date() };
    await db.insert(schema.fallbackUses).values(fallback);
    expect(await postgresError(db.insert(schema.fallbackUses).values(fallback))).toEqual({
      code: UNIQUE_VIOLATION,
      constraint: "fallback_uses_pk",
    });
    expect(await db.insert(schema.fallbackUses).values({ ...fallback, workspaceId: other.workspaceId }).onConflictDoNothing().returning()).toHaveLength(1);
  });

  it("deletes everything of a workspace with it, and nothing of another", async () => {
    const doomed = await createPopulatedWorkspace(db);
    const kept = await createPopulatedWorkspace(db);

    await db.delete(schema.workspaces).where(eq(schema.workspaces.id, doomed.workspaceId));

    expect(await db.$count(schema.prompts, eq(schema.prompts.workspaceId, doomed.workspaceId))).toBe(0);
    for (const { name, table, workspaceId } of workspaceOwnedTables) {
      expect({ name, left: await db.$count(table, eq(workspaceId, doomed.workspaceId)) }).toEqual({ name, left: 0 });
      // The fixture covers every workspace-owned table, so this also proves the cascade reached it.
      expect({ name, kept: (await db.$count(table, eq(workspaceId, kept.workspaceId))) > 0 }).toEqual({
        name,
        kept: true,
      });
    }
    // Users are not owned by a workspace.
    expect(await db.$count(schema.users, eq(schema.users.id, doomed.ownerId))).toBe(1);
  });

  it("keeps a prompt's rows in the prompt's workspace", async () => {
    const a = await createWorkspace(db);
    const b = await createWorkspace(db);
    const promptOfA = await createPrompt(db, a.workspaceId);

    expect(await postgresError(createVersion(db, b.workspaceId, promptOfA, 1))).toEqual({
      code: FOREIGN_KEY_VIOLATION,
      constraint: "prompt_versions_prompt_fk",
    });
    const tagOfB = newId("tag");
    await db.insert(schema.tags).values({ id: tagOfB, workspaceId: b.workspaceId, name: "b-only", color: "#000000" });
    expect(
      await postgresError(
        db.insert(schema.promptTags).values({ workspaceId: a.workspaceId, promptId: promptOfA, tagId: tagOfB }),
      ),
    ).toEqual({ code: FOREIGN_KEY_VIOLATION, constraint: "prompt_tags_tag_fk" });
  });

  it("moves a prompt's versions and environments along when the prompt changes workspace", async () => {
    const a = await createWorkspace(db);
    const b = await createWorkspace(db);
    const promptId = await createPrompt(db, a.workspaceId);
    const versionId = await createVersion(db, a.workspaceId, promptId, 1, "production");
    await db.insert(schema.environments).values({
      workspaceId: a.workspaceId,
      promptId,
      environment: "production",
      versionId,
    });

    await db.update(schema.prompts).set({ workspaceId: b.workspaceId }).where(eq(schema.prompts.id, promptId));

    const [version] = await db.select().from(schema.promptVersions).where(eq(schema.promptVersions.id, versionId));
    const [environment] = await db.select().from(schema.environments).where(eq(schema.environments.promptId, promptId));
    expect(version?.workspaceId).toBe(b.workspaceId);
    expect(environment?.workspaceId).toBe(b.workspaceId);
  });

  it("only lets environments, deployments and variants point at versions of their own prompt", async () => {
    const { workspaceId } = await createWorkspace(db);
    const promptId = await createPrompt(db, workspaceId);
    const otherPromptId = await createPrompt(db, workspaceId);
    const foreignVersion = await createVersion(db, workspaceId, otherPromptId, 1, "production");
    const experimentId = newId("exp");
    await db
      .insert(schema.experiments)
      .values({ id: experimentId, workspaceId, promptId, name: "x", primaryEvent: "signup" });

    expect(
      await postgresError(
        db.insert(schema.environments).values({ workspaceId, promptId, environment: "staging", versionId: foreignVersion }),
      ),
    ).toEqual({ code: FOREIGN_KEY_VIOLATION, constraint: "environments_version_fk" });
    expect(
      await postgresError(
        db.insert(schema.deployments).values({
          id: newId("dep"),
          workspaceId,
          promptId,
          environment: "staging",
          action: "publish",
          toVersionId: foreignVersion,
        }),
      ),
    ).toEqual({ code: FOREIGN_KEY_VIOLATION, constraint: "deployments_to_version_fk" });
    expect(
      await postgresError(
        db.insert(schema.experimentVariants).values({
          id: newId("expv"),
          workspaceId,
          experimentId,
          promptId,
          versionId: foreignVersion,
          key: "control",
          position: 0,
          weight: 1,
        }),
      ),
    ).toEqual({ code: FOREIGN_KEY_VIOLATION, constraint: "experiment_variants_version_fk" });
  });

  it("refuses to delete a deployed version on its own, but deletes it with its prompt", async () => {
    const { workspaceId } = await createWorkspace(db);
    const promptId = await createPrompt(db, workspaceId);
    const versionId = await createVersion(db, workspaceId, promptId, 1, "production");
    await db.insert(schema.environments).values({ workspaceId, promptId, environment: "production", versionId });

    expect(
      await postgresError(db.delete(schema.promptVersions).where(eq(schema.promptVersions.id, versionId))),
    ).toEqual({ code: FOREIGN_KEY_VIOLATION, constraint: "environments_version_fk" });

    await db.delete(schema.prompts).where(eq(schema.prompts.id, promptId));
    expect(await db.$count(schema.promptVersions, eq(schema.promptVersions.promptId, promptId))).toBe(0);
    expect(await db.$count(schema.environments, eq(schema.environments.promptId, promptId))).toBe(0);
  });

  it("freezes a version once it leaves draft", async () => {
    const { workspaceId } = await createWorkspace(db);
    const promptId = await createPrompt(db, workspaceId);
    const versionId = await createVersion(db, workspaceId, promptId, 1);
    const author = await createUser(db);
    const byId = eq(schema.promptVersions.id, versionId);
    await db.update(schema.promptVersions).set({ content: "Hi {name}", createdById: author }).where(byId);

    await db.update(schema.promptVersions).set({ status: "testing" }).where(byId);
    const frozen = { code: CHECK_VIOLATION, constraint: "prompt_versions_immutable" };
    expect(await postgresError(db.update(schema.promptVersions).set({ content: "Changed" }).where(byId))).toEqual(frozen);
    expect(
      await postgresError(db.update(schema.promptVersions).set({ modelConfig: { temperature: 1 } }).where(byId)),
    ).toEqual(frozen);
    expect(await postgresError(db.update(schema.promptVersions).set({ status: "draft" }).where(byId))).toEqual(frozen);

    // Status still moves on, and erasing the author still nulls created_by_id.
    await db.update(schema.promptVersions).set({ status: "production" }).where(byId);
    await db.delete(schema.users).where(eq(schema.users.id, author));
    const [version] = await db.select().from(schema.promptVersions).where(byId);
    expect(version).toMatchObject({ status: "production", content: "Hi {name}", createdById: null });
  });

  it("requires a text version to have content and a chat version to have messages", async () => {
    const { workspaceId } = await createWorkspace(db);
    const promptId = await createPrompt(db, workspaceId);
    const version = { workspaceId, promptId, versionNumber: 1 };

    expect(
      await postgresError(db.insert(schema.promptVersions).values({ ...version, id: newId("pv"), kind: "chat", content: "x" })),
    ).toEqual({ code: CHECK_VIOLATION, constraint: "prompt_versions_body_matches_kind" });
    await db.insert(schema.promptVersions).values({
      ...version,
      id: newId("pv"),
      kind: "chat",
      messages: [{ role: "system", content: "You are {persona}." }],
    });
  });

  it("allows one pending invitation per e-mail per workspace", async () => {
    const { workspaceId } = await createWorkspace(db);
    const invitation = (email: string) => ({
      id: newId("inv"),
      workspaceId,
      email,
      tokenHash: newId("hash"),
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const first = invitation("Ann@Example.com");
    await db.insert(schema.workspaceInvitations).values(first);

    expect(await postgresError(db.insert(schema.workspaceInvitations).values(invitation("ann@example.com")))).toEqual({
      code: UNIQUE_VIOLATION,
      constraint: "workspace_invitations_pending_email_unique",
    });

    await db
      .update(schema.workspaceInvitations)
      .set({ acceptedAt: new Date() })
      .where(eq(schema.workspaceInvitations.id, first.id));
    await db.insert(schema.workspaceInvitations).values(invitation("ann@example.com"));
  });

  it("keeps e-mail addresses unique regardless of case", async () => {
    const email = `${newId("u")}@example.com`;
    await createUser(db, email);
    expect(await postgresError(createUser(db, email.toUpperCase()))).toEqual({
      code: UNIQUE_VIOLATION,
      constraint: "users_email_lower_unique",
    });
  });

  it("keeps e-mailed account token hashes unique, and deletes a user's tokens with the user", async () => {
    const userId = await createUser(db);
    const token = (tokenHash: string) => ({
      id: newId("atk"),
      userId,
      purpose: "reset_password" as const,
      tokenHash,
      email: "owner@example.com",
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    const tokenHash = newId("hash");
    await db.insert(schema.accountTokens).values(token(tokenHash));
    expect(await postgresError(db.insert(schema.accountTokens).values(token(tokenHash)))).toEqual({
      code: UNIQUE_VIOLATION,
      constraint: "account_tokens_token_hash_unique",
    });
    expect(await postgresError(db.insert(schema.accountTokens).values({ ...token(newId("hash")), userId: newId("usr") }))).toMatchObject({
      code: FOREIGN_KEY_VIOLATION,
    });
    await db.delete(schema.users).where(eq(schema.users.id, userId));
    expect(await db.select().from(schema.accountTokens).where(eq(schema.accountTokens.userId, userId))).toEqual([]);
  });

  it("runs one experiment at a time per prompt and environment", async () => {
    const { workspaceId } = await createWorkspace(db);
    const promptId = await createPrompt(db, workspaceId);
    const experiment = (status: schema.ExperimentStatus) => ({
      id: newId("exp"),
      workspaceId,
      promptId,
      name: "test",
      primaryEvent: "signup",
      status,
    });
    await db.insert(schema.experiments).values(experiment("running"));

    expect(await postgresError(db.insert(schema.experiments).values(experiment("running")))).toEqual({
      code: UNIQUE_VIOLATION,
      constraint: "experiments_running_unique",
    });
    await db.insert(schema.experiments).values([experiment("stopped"), experiment("draft")]);
    await db.insert(schema.experiments).values({ ...experiment("running"), environment: "staging" });
  });

  it("upserts stats on the bucket key, with '' standing for no variant", async () => {
    const { workspaceId } = await createWorkspace(db);
    const promptId = await createPrompt(db, workspaceId);
    const versionId = await createVersion(db, workspaceId, promptId, 1, "production");
    const bucket = {
      bucketStart: new Date("2026-03-01T12:00:00Z"),
      workspaceId,
      promptId,
      versionId,
      environment: "production" as const,
    };
    const t = schema.promptStatsHourly;
    const upsert = (requests: number, costMicros: number) =>
      db
        .insert(t)
        .values({ ...bucket, requests, costMicros })
        .onConflictDoUpdate({
          target: [t.workspaceId, t.promptId, t.bucketStart, t.versionId, t.environment, t.variant],
          set: { requests: sql`excluded.requests`, costMicros: sql`excluded.cost_micros` },
        });
    await upsert(10, 5_000);
    await upsert(12, 9_000_000_000); // beyond 32 bits: cost is a bigint read as a number

    const rows = await db.select().from(t).where(eq(t.promptId, promptId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ variant: "", requests: 12, costMicros: 9_000_000_000 });
  });

  it("gives an LLM provider key exactly one owner", async () => {
    const { workspaceId, ownerId } = await createWorkspace(db);
    const key = { provider: "google" as const, ciphertext: "Y2lwaGVy", iv: "aXY=", encryptionKeyId: "v1", keySuffix: "abcd" };

    for (const owner of [{ workspaceId, userId: ownerId }, {}]) {
      expect(await postgresError(db.insert(schema.llmProviderKeys).values({ ...key, ...owner, id: newId("llmk") }))).toEqual({
        code: CHECK_VIOLATION,
        constraint: "llm_provider_keys_one_owner",
      });
    }
    await db.insert(schema.llmProviderKeys).values({ ...key, workspaceId, id: newId("llmk") });
    await db.insert(schema.llmProviderKeys).values({ ...key, userId: ownerId, id: newId("llmk") });
    expect(await postgresError(db.insert(schema.llmProviderKeys).values({ ...key, workspaceId, id: newId("llmk") }))).toEqual({
      code: UNIQUE_VIOLATION,
      constraint: "llm_provider_keys_workspace_provider_unique",
    });
  });
}

describe("schema conventions", () => {
  it("references workspaces with ON DELETE CASCADE from every workspace_id column", () => {
    expect(workspaceOwnedTables.length).toBeGreaterThan(20);
    for (const { table, name } of workspaceOwnedTables) {
      const toWorkspaces = getTableConfig(table).foreignKeys.filter((foreignKey) => {
        const reference = foreignKey.reference();
        return getTableConfig(reference.foreignTable).name === "workspaces";
      });
      expect({ name, onDelete: toWorkspaces.map((foreignKey) => foreignKey.onDelete) }).toEqual({
        name,
        onDelete: ["cascade"],
      });
    }
  });

  it("has committed migrations that match the schema (drizzle-kit generate has nothing to do)", async () => {
    const { generateDrizzleJson, generateMigration } = await import("drizzle-kit/api");
    const journal = JSON.parse(await readFile(`${migrationsFolder}/meta/_journal.json`, "utf8")) as {
      entries: { idx: number }[];
    };
    const last = journal.entries.at(-1);
    if (!last) throw new Error("no migrations in the journal");
    const snapshotFile = `${migrationsFolder}/meta/${String(last.idx).padStart(4, "0")}_snapshot.json`;
    const committed = JSON.parse(await readFile(snapshotFile, "utf8")) as Parameters<typeof generateMigration>[0];

    const current = generateDrizzleJson(schema, committed.id);
    expect(await generateMigration(committed, current)).toEqual([]);
  });
});

describe("on PGlite", () => {
  describeConstraints(async () => {
    const client = new PGlite();
    const db = drizzlePglite({ client, schema });
    await migratePglite(db, { migrationsFolder });
    return { db, close: () => client.close() };
  });
});

describe("migration 0006_accounts on existing users", () => {
  it("marks addresses verified for accounts created through Google only", async () => {
    // The migrations before 0006 from a copy of the folder, some users, then the rest.
    const before = await mkdtemp(join(tmpdir(), "xr2-migrations-"));
    try {
      await cp(migrationsFolder, before, { recursive: true });
      const journalFile = join(before, "meta", "_journal.json");
      const journal = JSON.parse(await readFile(journalFile, "utf8")) as { entries: { tag: string }[] };
      const index = journal.entries.findIndex((entry) => entry.tag === "0006_accounts");
      expect(index).toBeGreaterThan(0);
      await writeFile(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, index) }));

      const client = new PGlite();
      const db = drizzlePglite({ client });
      await migratePglite(db, { migrationsFolder: before });
      await client.exec(`
        insert into users (id, email, name, password_hash) values
          ('usr_google', 'Gail@Example.com', 'Gail', null),
          ('usr_password', 'pat@example.com', 'Pat', 'pbkdf2-sha256$1$x$y'),
          ('usr_linked', 'lin@example.com', 'Lin', 'pbkdf2-sha256$1$x$y');
        insert into oauth_accounts (id, user_id, provider, provider_account_id, email) values
          ('oa_1', 'usr_google', 'google', 'g-1', 'gail@example.com'),
          ('oa_2', 'usr_linked', 'google', 'g-2', 'lin@example.com');
      `);
      await migratePglite(db, { migrationsFolder });
      const { rows } = await client.query<{ id: string; verified: boolean }>("select id, email_verified_at is not null as verified from users order by id");
      expect(rows).toEqual([
        { id: "usr_google", verified: true },
        { id: "usr_linked", verified: false },
        { id: "usr_password", verified: false },
      ]);
      await client.close();
    } finally {
      await rm(before, { recursive: true, force: true });
    }
  });
});

// Neon runs real Postgres, which differs from PGlite in places (extensions, planner, error
// details); set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run the same
// checks there. Skipped otherwise so that `npm test` needs no database server.
describe.skipIf(!process.env.TEST_DATABASE_URL)("on PostgreSQL", () => {
  describeConstraints(async () => {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
    const databaseName = `xr2_schema_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database "${databaseName}"`);
    await admin.end();

    const url = new URL(adminUrl);
    url.pathname = `/${databaseName}`;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    const db = drizzleNodePg({ client: pool, schema });
    await migrateNodePg(db, { migrationsFolder });

    return {
      db,
      close: async () => {
        await pool.end();
        const cleanup = new pg.Client({ connectionString: adminUrl });
        await cleanup.connect();
        await cleanup.query(`drop database if exists "${databaseName}" with (force)`);
        await cleanup.end();
      },
    };
  });
});
