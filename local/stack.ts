/**
 * The whole xR2 platform on one machine, offline: an embedded Postgres behind the Neon
 * protocols, an Upstash-compatible Redis REST endpoint, a QStash-compatible scheduler, a local
 * inbox speaking Resend's API, both workers in workerd under wrangler, and (optionally) the site.
 * Every stand-in is skipped when `.dev.vars` names the real service, so the same command runs
 * against Neon/Upstash/QStash/Resend.
 *
 * Wrangler runs two processes: the edge worker with the API worker beside it (queues only
 * connect a producer and a consumer inside one dev session), and the API worker alone on its
 * own port for the management API. Both share one persistence directory, so KV is shared.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, type WriteStream } from "node:fs";
import { freePort } from "./port-lease.ts";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseEnv } from "node:util";
import { startDatabase, type LocalDatabase } from "./neon/index.ts";
import { startQStash, type QStashServer } from "./qstash/index.ts";
import { startMailInbox, type MailInbox } from "./mail/index.ts";
import { startRedisRest, type RedisRestServer } from "./redis-rest/index.ts";
import { BASE_URL_VARS, startFakeLlmProviders, type FakeLlmProviders, type FakeProviderName } from "./llm-providers/index.ts";
import { DEVELOPMENT_SECRETS } from "../workers/api/src/development-secrets.ts";

export const ROOT = resolve(import.meta.dirname, "..");
export const MIGRATIONS_FOLDER = join(ROOT, "db/migrations");

const LOCAL_REDIS_TOKEN = "local-redis-token";
const LOCAL_RESEND_API_KEY = "re_local_inbox";
/** The sender of local mail; .dev.vars' MAIL_FROM replaces it. */
export const LOCAL_MAIL_FROM = "xR2 <no-reply@xr2.localhost>";

export interface StackOptions {
  ports: { edge: number; api: number; site: number; database: number; redis: number; qstash: number; mail: number };
  /** Where PGlite, wrangler's KV/queue state and the generated env file live. */
  dataDir: string;
  /** PGlite keeps its data in dataDir unless this is set (tests run in memory). */
  inMemoryDatabase?: boolean;
  /** Use this Postgres instead of PGlite (a fresh database is created on it and dropped after). */
  databaseUrl?: string;
  /** `undefined`: a Redis on 127.0.0.1:6379 if one answers, else in-memory. `null`: in-memory. */
  redisUrl?: string | null;
  withSite: boolean;
  /** Values from `.dev.vars`; a real DATABASE_URL / UPSTASH_* / QSTASH_* / RESEND_API_KEY switches that part to the cloud. */
  devVars: Record<string, string>;
  log: (line: string) => void;
  /** Aborting it while the stack starts stops what has started and rejects. */
  signal?: AbortSignal;
  /** The local QStash's retry backoff base (default 1 s); tests of retries make it small. */
  qstashRetryBaseDelayMs?: number;
}

export interface LocalStack {
  /** The stand-ins this stack started (absent when .dev.vars names the real service); tests stop them to inject outages. */
  services: { database?: LocalDatabase | undefined; redis?: RedisRestServer | undefined; qstash?: QStashServer | undefined; mail?: MailInbox | undefined };
  /** `mail`: the local inbox's origin (its page, and `GET /api/messages` for tests); null when .dev.vars sends through Resend. */
  urls: { edge: string; api: string; site: string | null; database: string; neonEndpoint: string | null; redis: string; qstash: string; mail: string | null };
  backends: { database: string; redis: string; qstash: string; mail: string };
  /** The fake LLM providers that run (those whose base URL .dev.vars does not name), by provider. */
  llmFakes: FakeLlmProviders["baseUrls"];
  /** The workers' log files (every line they and wrangler print), private to the user, the newest WRANGLER_LOG_FILES_KEPT kept. */
  logDir: string;
  stop(): Promise<void>;
}

export function readDevVars(path = join(ROOT, ".dev.vars")): Record<string, string> {
  if (!existsSync(path)) return {};
  return Object.fromEntries(Object.entries(parseEnv(readFileSync(path, "utf8"))).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== ""));
}

/** The worker variables that point at these stand-ins (each one optional). */
export function serviceVars(services: { database?: LocalDatabase | undefined; redis?: RedisRestServer | undefined; qstash?: QStashServer | undefined }): Record<string, string> {
  const { database, redis, qstash } = services;
  return {
    ...(database ? { DATABASE_URL: database.connectionString, NEON_LOCAL_ENDPOINT: database.endpoint } : {}),
    ...(redis ? { UPSTASH_REDIS_REST_URL: redis.url, UPSTASH_REDIS_REST_TOKEN: redis.token } : {}),
    ...(qstash
      ? {
          QSTASH_URL: qstash.url,
          QSTASH_TOKEN: qstash.token,
          QSTASH_CURRENT_SIGNING_KEY: qstash.currentSigningKey,
          QSTASH_NEXT_SIGNING_KEY: qstash.nextSigningKey,
        }
      : {}),
  };
}

/** The API worker's mail settings for a local inbox: Resend's API at the inbox's origin. */
export function mailVars(inbox: MailInbox): { RESEND_BASE_URL: string; RESEND_API_KEY: string; MAIL_FROM: string } {
  return { RESEND_BASE_URL: inbox.url, RESEND_API_KEY: inbox.apiKey, MAIL_FROM: LOCAL_MAIL_FROM };
}

export { freePort };

/** What POST /api/dev/seed answers: the demo login, workspace, API key and prompts. */
export interface DemoSeed {
  email: string;
  password: string;
  api_key: string;
  workspace_id: string;
  prompt_slugs: string[];
}

/** Seeds the demo workspace through the API worker's development route (idempotent). */
export async function seedDemo(apiUrl: string): Promise<DemoSeed> {
  const response = await fetch(`${apiUrl}/api/dev/seed`, { method: "POST" });
  const body = (await response.json()) as DemoSeed;
  if (!response.ok) throw new Error(`seeding the demo workspace failed with ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/**
 * A stack for tests and the bench: free ports, no site unless asked (the browser tests), an in-memory database (or a fresh one on
 * `databaseUrl`) and a throw-away data directory that `stop()` removes.
 */
export async function startThrowawayStack(options: Pick<StackOptions, "devVars" | "log"> & Partial<Pick<StackOptions, "databaseUrl" | "redisUrl" | "withSite" | "qstashRetryBaseDelayMs">>): Promise<LocalStack> {
  const dataDir = mkdtempSync(join(tmpdir(), "xr2-stack-"));
  try {
    const stack = await startLocalStack({
      ports: { edge: await freePort(), api: await freePort(), site: options.withSite ? await freePort() : 0, database: await freePort(), redis: await freePort(), qstash: await freePort(), mail: await freePort() },
      dataDir,
      inMemoryDatabase: true,
      withSite: false,
      ...options,
    });
    return {
      ...stack,
      async stop() {
        await stack.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
  const { devVars, log } = options;
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
  };
  try {
    options.signal?.throwIfAborted();
    mkdirSync(options.dataDir, { recursive: true });

    let database: LocalDatabase | undefined;
    if (!devVars.DATABASE_URL) {
      database = await startDatabase({
        ...(options.databaseUrl ? { databaseUrl: options.databaseUrl, freshDatabase: true } : {}),
        ...(options.inMemoryDatabase || options.databaseUrl ? {} : { dataDir: join(options.dataDir, "pglite") }),
        port: options.ports.database,
        migrationsFolder: MIGRATIONS_FOLDER,
      });
      cleanups.push(() => database!.close());
    }

    let redis: RedisRestServer | undefined;
    if (!devVars.UPSTASH_REDIS_REST_URL) {
      redis = await startRedisRest({ port: options.ports.redis, token: LOCAL_REDIS_TOKEN, redisUrl: options.redisUrl });
      cleanups.push(() => redis!.close());
    }

    let qstash: QStashServer | undefined;
    if (!devVars.QSTASH_TOKEN) {
      qstash = await startQStash({ port: options.ports.qstash, ...(options.qstashRetryBaseDelayMs !== undefined ? { retryBaseDelayMs: options.qstashRetryBaseDelayMs } : {}), log: (line) => log(`[qstash] ${line}`) });
      cleanups.push(() => qstash!.close());
    }

    // With RESEND_API_KEY in .dev.vars, mail goes through Resend (MAIL_FROM must come from there too).
    let mail: MailInbox | undefined;
    if (!devVars.RESEND_API_KEY) {
      mail = await startMailInbox({ port: options.ports.mail, apiKey: LOCAL_RESEND_API_KEY, log: (line) => log(`[mail] ${line}`) });
      cleanups.push(() => mail!.close());
    }

    // A provider whose base URL .dev.vars names is the real one (or another endpoint); the rest are fakes.
    const fakeProviders = (Object.keys(BASE_URL_VARS) as FakeProviderName[]).filter((provider) => !devVars[BASE_URL_VARS[provider]]);
    const llm = await startFakeLlmProviders({ providers: fakeProviders });
    cleanups.push(() => llm.close());

    const workerVars: Record<string, string> = {
      ENVIRONMENT: "development",
      ALLOWED_ORIGINS: `http://127.0.0.1:${options.ports.site},http://localhost:${options.ports.site}`,
      // Development-only secrets (refused by a production worker); `.dev.vars` overrides them.
      ...DEVELOPMENT_SECRETS,
      // Where QStash (local or real) delivers the aggregation job: the API worker's own port.
      API_PUBLIC_URL: `http://127.0.0.1:${options.ports.api}`,
      // Webhooks may reach receivers on this machine (refused in production).
      WEBHOOKS_ALLOW_LOOPBACK: "true",
      // E-mail links lead to the local site (SITE_URL in .dev.vars replaces it).
      SITE_URL: `http://127.0.0.1:${options.ports.site}`,
      ...serviceVars({ database, redis, qstash }),
      ...(mail ? mailVars(mail) : {}),
      ...llm.vars,
      ...devVars,
    };
    const envFile = join(options.dataDir, "workers.env");
    writeFileSync(envFile, Object.entries(workerVars).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join("\n") + "\n", { mode: 0o600 });

    const persistTo = join(options.dataDir, "wrangler");
    const logDir = prepareLogDir(join(options.dataDir, "logs"));
    const wranglerDebugLog = discardedDebugLog(options.dataDir);
    const edgeProcess = spawnWrangler(["-c", "wrangler.toml", "-c", "workers/api/wrangler.toml", "--port", String(options.ports.edge)], { envFile, workerVars, persistTo, logDir, wranglerDebugLog, log, name: "edge" });
    cleanups.push(() => stopProcess(edgeProcess));
    // The second session opens the same SQLite-backed KV store: started while the first is still
    // creating it, workerd fails with SQLITE_BUSY, so it starts once the first answers.
    await waitForHttp(`http://127.0.0.1:${options.ports.edge}/health/live`, 60_000, { child: edgeProcess, signal: options.signal });
    const apiProcess = spawnWrangler(["-c", "workers/api/wrangler.toml", "--port", String(options.ports.api)], { envFile, workerVars, persistTo, logDir, wranglerDebugLog, log, name: "api" });
    cleanups.push(() => stopProcess(apiProcess));

    const urls = {
      edge: `http://127.0.0.1:${options.ports.edge}`,
      api: `http://127.0.0.1:${options.ports.api}`,
      site: options.withSite ? `http://127.0.0.1:${options.ports.site}` : null,
      database: database?.connectionString ?? "(DATABASE_URL from .dev.vars)",
      neonEndpoint: database?.endpoint ?? null,
      redis: redis?.url ?? workerVars.UPSTASH_REDIS_REST_URL ?? "",
      qstash: qstash?.url ?? workerVars.QSTASH_URL ?? "",
      mail: mail?.url ?? null,
    };

    if (options.withSite) {
      const siteProcess = spawnLogged("npm", ["run", "dev", "--workspace", "site"], {
        env: { ...process.env, SITE_PORT: String(options.ports.site), VITE_API_URL: urls.api, VITE_EDGE_URL: urls.edge },
        log,
        name: "site",
      });
      cleanups.push(() => stopProcess(siteProcess));
    }

    await Promise.all([
      waitForHttp(`${urls.edge}/health/live`, 60_000, { child: edgeProcess, signal: options.signal }),
      waitForHttp(`${urls.api}/health/live`, 60_000, { child: apiProcess, signal: options.signal }),
      ...(urls.site ? [waitForHttp(urls.site, 90_000, { signal: options.signal })] : []),
    ]);

    return {
      services: { database, redis, qstash, mail },
      urls,
      logDir,
      backends: {
        database: database?.backend ?? "neon (from .dev.vars)",
        redis: redis?.backend ?? "upstash (from .dev.vars)",
        qstash: qstash ? "local" : "qstash (from .dev.vars)",
        mail: mail ? "local inbox" : "resend (from .dev.vars)",
      },
      llmFakes: llm.baseUrls,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Wrangler hands --env-file only to the first worker of a multi-worker session; the others read
 * secrets from the process environment when CLOUDFLARE_INCLUDE_PROCESS_ENV is set. So wrangler
 * gets a minimal environment holding just the worker vars and what a process needs to run.
 *
 * What it prints (the workers' log lines and its own) goes to a private file in logDir; only
 * warnings and errors (its stderr) also reach the terminal. Its debug log, which it writes
 * whatever the log level, goes nowhere (see discardedDebugLog).
 */
function spawnWrangler(args: string[], opts: { envFile: string; workerVars: Record<string, string>; persistTo: string; logDir: string; wranglerDebugLog: string; log: (line: string) => void; name: string }): ChildProcess {
  const wrangler = join(ROOT, "node_modules/.bin/wrangler");
  const inherited = Object.fromEntries(["PATH", "HOME", "TMPDIR", "LANG", "XDG_CONFIG_HOME"].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));
  const file = openLogFile(opts.logDir, opts.name);
  const child = spawnLogged(
    wrangler,
    ["dev", ...args, "--ip", "127.0.0.1", "--persist-to", opts.persistTo, "--env-file", opts.envFile, "--inspector-port", "0", "--show-interactive-dev-session=false", "--log-level", "log"],
    {
      env: {
        ...inherited,
        WRANGLER_SEND_METRICS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        WRANGLER_HIDE_BANNER: "true",
        NO_COLOR: "1",
        CLOUDFLARE_INCLUDE_PROCESS_ENV: "true",
        WRANGLER_LOG_PATH: opts.wranglerDebugLog,
        ...opts.workerVars,
      },
      log: opts.log,
      name: opts.name,
      file,
    },
  );
  child.once("exit", () => file.end());
  return child;
}

/**
 * The directory of the workers' log files, private to the user (0700, files 0600: the lines
 * name users' workspaces and routes), with the newest WRANGLER_LOG_FILES_KEPT files kept.
 */
function prepareLogDir(logDir: string): string {
  mkdirSync(logDir, { recursive: true, mode: 0o700 });
  chmodSync(logDir, 0o700);
  pruneLogFiles(logDir, WRANGLER_LOG_FILES_KEPT);
  for (const name of readdirSync(logDir)) if (name.endsWith(".log")) chmodSync(join(logDir, name), 0o600);
  return logDir;
}

function openLogFile(logDir: string, name: string): WriteStream {
  const stamp = new Date().toISOString().replaceAll(":", "-").replace(/\.\d+Z$/, "");
  return createWriteStream(join(logDir, `${name}-${stamp}.log`), { flags: "a", mode: 0o600 });
}

/**
 * Where WRANGLER_LOG_PATH points: a `.log` path linked to /dev/null. Wrangler writes its debug
 * log whatever --log-level says, and that log holds every inspector message of the workers,
 * among them each fetch's whole response body (SQL-over-HTTP rows: e-mails, prompt text, key
 * hashes, ciphertexts). Without WRANGLER_LOG_PATH it would go to ~/.config/.wrangler/logs.
 */
function discardedDebugLog(dataDir: string): string {
  const path = join(dataDir, "wrangler-debug-discarded.log");
  rmSync(path, { force: true });
  symlinkSync("/dev/null", path);
  return path;
}

/** The workers' log files of the last few runs (two per run) stay for troubleshooting. */
export const WRANGLER_LOG_FILES_KEPT = 10;

/** Deletes all but the `keep` newest `.log` files of `dir` (a missing directory is fine). */
export function pruneLogFiles(dir: string, keep: number): void {
  if (!existsSync(dir)) return;
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".log"))
    .map((name) => ({ path: join(dir, name), modified: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.modified - a.modified);
  for (const file of files.slice(keep)) rmSync(file.path, { force: true });
}

/** Runs a process with its output forwarded to `log`; with `file`, its stdout goes only there and its stderr to both. */
function spawnLogged(command: string, args: string[], opts: { env: NodeJS.ProcessEnv; log: (line: string) => void; name: string; file?: WriteStream }): ChildProcess {
  // Its own process group, so stopping it also stops what it spawned (workerd, vite).
  const child = spawn(command, args, { cwd: ROOT, env: opts.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const forward = (chunk: Buffer) => {
    opts.file?.write(chunk);
    for (const line of chunk.toString().split("\n")) if (line.trim()) opts.log(`[${opts.name}] ${line}`);
  };
  child.stdout?.on("data", opts.file ? (chunk: Buffer) => opts.file!.write(chunk) : forward);
  child.stderr?.on("data", forward);
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timeout = new Promise<"timeout">((done) => setTimeout(() => done("timeout"), 5_000).unref());
  if ((await Promise.race([exited, timeout])) === "timeout") {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
}

async function waitForHttp(url: string, timeoutMs: number, opts: { child?: ChildProcess; signal?: AbortSignal | undefined } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    opts.signal?.throwIfAborted();
    if (opts.child && opts.child.exitCode !== null) throw new Error(`${url}: the process serving it exited with code ${opts.child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status < 500) return;
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${lastError})`);
}
