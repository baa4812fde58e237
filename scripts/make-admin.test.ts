/**
 * `npm run make-admin`: against a Postgres named by DATABASE_URL (here the local stand-in's, as a
 * deployment's would be), against the local stack's database while it runs (its workers.env) and
 * against its PGlite data directory when it is stopped; and the command line itself.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startDatabase } from "../local/neon/index.ts";
import { MIGRATIONS_FOLDER, ROOT } from "../local/stack.ts";
import { makeAdmin } from "./make-admin.ts";

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), "xr2-make-admin-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function withClient<T>(connectionString: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function addUser(connectionString: string, email: string): Promise<string> {
  const id = `usr_${crypto.randomUUID().replaceAll("-", "").slice(0, 26)}`;
  await withClient(connectionString, (client) => client.query("insert into users (id, email, name) values ($1, $2, 'Ops')", [id, email]));
  return id;
}

describe("make-admin", () => {
  it("grants and revokes the role through the running local stack, audits each change, and refuses unknown addresses", async () => {
    // The stack's database, as `npm run dev` starts it in dataDir, with the workers.env it writes.
    const database = await startDatabase({ dataDir: join(dataDir, "pglite"), migrationsFolder: MIGRATIONS_FOLDER });
    try {
      writeFileSync(join(dataDir, "workers.env"), `ENVIRONMENT="development"\nDATABASE_URL=${JSON.stringify(database.connectionString)}\n`);
      const id = await addUser(database.connectionString, "Ops@Example.com");

      const granted = await makeAdmin({ email: "ops@example.com", revoke: false, dataDir });
      expect(granted).toMatchObject({ id, email: "Ops@Example.com", isPlatformAdmin: true, changed: true, database: expect.stringContaining("running local stack") });
      expect((await makeAdmin({ email: "ops@example.com", revoke: false, dataDir })).changed).toBe(false);
      const revoked = await makeAdmin({ email: "OPS@example.com", revoke: true, dataDir });
      expect(revoked).toMatchObject({ isPlatformAdmin: false, changed: true });

      await withClient(database.connectionString, async (client) => {
        expect((await client.query("select is_platform_admin from users where id = $1", [id])).rows).toEqual([{ is_platform_admin: false }]);
        const audit = await client.query("select workspace_id, actor_user_id, action, after from audit_log where target_id = $1 order by created_at, action", [id]);
        expect(audit.rows.map((row) => row.action).sort()).toEqual(["user.make_admin", "user.revoke_admin"]);
        expect(audit.rows.every((row) => row.workspace_id === null && row.actor_user_id === null)).toBe(true);
      });
      await expect(makeAdmin({ email: "nobody@example.com", revoke: false, dataDir })).rejects.toThrow(/sign up first/);

      // The same through DATABASE_URL, as on a real deployment.
      expect(await makeAdmin({ email: "ops@example.com", revoke: false, dataDir: "/nonexistent", databaseUrl: database.connectionString })).toMatchObject({ isPlatformAdmin: true, database: "DATABASE_URL" });
    } finally {
      await database.close();
    }

    // The stack has stopped: its workers.env is stale, and the data directory is opened directly.
    const offline = await makeAdmin({ email: "ops@example.com", revoke: true, dataDir });
    expect(offline).toMatchObject({ isPlatformAdmin: false, changed: true, database: expect.stringContaining("PGlite") });
  }, 120_000);

  it("prints its usage for a bad command line and a clear error when there is no local database", async () => {
    const usage = await run("npx", ["tsx", "scripts/make-admin.ts", "a@example.com", "--force"], { cwd: ROOT }).catch((error: { code: number; stderr: string }) => error);
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining("Usage: npm run make-admin -- <email> [--revoke]") });
    const empty = mkdtempSync(join(tmpdir(), "xr2-make-admin-empty-"));
    try {
      const missing = await run("npx", ["tsx", "scripts/make-admin.ts", "ops@example.com"], { cwd: ROOT, env: { ...process.env, DATABASE_URL: "", XR2_DATA_DIR: empty } }).catch((error: { code: number; stderr: string }) => error);
      expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining("run `npm run dev` once") });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 60_000);
});
