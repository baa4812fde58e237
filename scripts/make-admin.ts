/**
 * `npm run make-admin -- <email> [--revoke]`: makes an existing account a platform admin (S4),
 * or with --revoke takes the role away. This is how the first admin is made: the admin console
 * needs one to exist, and a database edit by hand is easy to get wrong and leaves no trace.
 * The change is written to the audit log as a platform-level row without an actor.
 *
 * Which database:
 * - DATABASE_URL when it is set (a real deployment: Neon's postgres:// URL, or any Postgres);
 * - otherwise the local stack's (`npm run dev`, embedded defaults): while it runs, through the
 *   connection it wrote to XR2_DATA_DIR/workers.env; when it is stopped, its PGlite data
 *   directory (XR2_DATA_DIR/pglite) opened directly.
 * The account must exist (sign up first); signed-in sessions see the role on their next call.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { newId } from "@xr2/shared";

type Query = (text: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

export interface MakeAdminOptions {
  email: string;
  revoke: boolean;
  /** A Postgres URL; when undefined, the local stack's database under `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
}

export interface MakeAdminResult {
  id: string;
  email: string;
  isPlatformAdmin: boolean;
  changed: boolean;
  /** Where the change was made, for the message. */
  database: string;
}

export async function makeAdmin(options: MakeAdminOptions): Promise<MakeAdminResult> {
  const connection = await openDatabase(options);
  try {
    return { ...(await setRole(connection.query, options.email, !options.revoke)), database: connection.description };
  } finally {
    await connection.close();
  }
}

async function setRole(query: Query, email: string, admin: boolean): Promise<Omit<MakeAdminResult, "database">> {
  await query("begin", []);
  try {
    const [user] = await query("select id, email, is_platform_admin from users where lower(email) = lower($1) for update", [email]);
    if (!user) throw new Error(`No account with the e-mail address ${email}: sign up first, then run this again.`);
    const changed = user.is_platform_admin !== admin;
    if (changed) {
      await query("update users set is_platform_admin = $2, updated_at = now() where id = $1", [user.id, admin]);
      await query(
        "insert into audit_log (id, workspace_id, actor_user_id, action, target_type, target_id, before, after) values ($1, null, null, $2, 'user', $3, $4, $5)",
        [newId("audit"), admin ? "user.make_admin" : "user.revoke_admin", user.id, JSON.stringify({ is_platform_admin: !admin }), JSON.stringify({ is_platform_admin: admin, by: "npm run make-admin" })],
      );
    }
    await query("commit", []);
    return { id: String(user.id), email: String(user.email), isPlatformAdmin: admin, changed };
  } catch (error) {
    await query("rollback", []).catch(() => {});
    throw error;
  }
}

interface Connection {
  query: Query;
  close(): Promise<void>;
  description: string;
}

async function openDatabase(options: MakeAdminOptions): Promise<Connection> {
  if (options.databaseUrl) return connectPostgres(options.databaseUrl, "DATABASE_URL");
  const envFile = join(options.dataDir, "workers.env");
  const running = existsSync(envFile) ? localStackUrl(readFileSync(envFile, "utf8")) : undefined;
  if (running) {
    try {
      return await connectPostgres(running, `the running local stack (${envFile})`);
    } catch (error) {
      // A stack that has stopped leaves its workers.env behind; its data directory is free then.
      if ((error as { code?: string }).code !== "ECONNREFUSED") throw error;
    }
  }
  const pgliteDir = join(options.dataDir, "pglite");
  if (!existsSync(pgliteDir)) throw new Error(`No local database in ${pgliteDir}: run \`npm run dev\` once (and sign up), or set DATABASE_URL.`);
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await PGlite.create({ dataDir: pgliteDir });
  return {
    query: async (text, params) => (await db.query<Record<string, unknown>>(text, params)).rows,
    close: () => db.close(),
    description: `the local PGlite database (${pgliteDir})`,
  };
}

/** DATABASE_URL from the stack's workers.env (written while `npm run dev` runs). */
function localStackUrl(envText: string): string | undefined {
  const line = envText.split("\n").find((entry) => entry.startsWith("DATABASE_URL="));
  return line ? (JSON.parse(line.slice("DATABASE_URL=".length)) as string) : undefined;
}

async function connectPostgres(connectionString: string, description: string): Promise<Connection> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  return {
    query: async (text, params) => (await client.query(text, params)).rows as Array<Record<string, unknown>>,
    close: () => client.end(),
    description,
  };
}

async function main(argv: string[]): Promise<number> {
  const args = argv.filter((arg) => !arg.startsWith("--"));
  const flags = argv.filter((arg) => arg.startsWith("--"));
  const unknown = flags.filter((flag) => flag !== "--revoke");
  if (args.length !== 1 || unknown.length > 0) {
    console.error("Usage: npm run make-admin -- <email> [--revoke]\n  Uses DATABASE_URL when set, else the local stack's database (XR2_DATA_DIR, .data by default).");
    return 2;
  }
  const result = await makeAdmin({
    email: args[0]!,
    revoke: flags.includes("--revoke"),
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: process.env.XR2_DATA_DIR ?? join(import.meta.dirname, "..", ".data"),
  });
  const role = result.isPlatformAdmin ? "is a platform admin" : "is no longer a platform admin";
  console.log(`${result.email} (${result.id}) ${role}${result.changed ? "" : " (unchanged)"} — in ${result.database}.`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
