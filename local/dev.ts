/**
 * `npm run dev`: starts the whole local stack (see stack.ts), seeds a demo workspace, prints
 * where everything is, and stops everything on Ctrl-C.
 *
 * Ports: EDGE_PORT (8787), API_PORT (8788), SITE_PORT (3000), DB_PORT (5488),
 * REDIS_REST_PORT (8079), QSTASH_PORT (8080), MAIL_PORT (8025, the local inbox).
 * XR2_DATA_DIR (.data) holds the local state.
 * LOCAL_REDIS_URL=redis://… backs the Redis REST endpoint with that Redis; "memory" forces the
 * in-memory backend (the default tries 127.0.0.1:6379, then falls back to memory).
 */
import { join } from "node:path";
import { FAKE_LLM_KEYS, type FakeProviderName } from "./llm-providers/index.ts";
import { readDevVars, ROOT, seedDemo, startLocalStack, type DemoSeed, type LocalStack } from "./stack.ts";
import { DEVELOPMENT_SECRETS } from "../workers/api/src/development-secrets.ts";

const port = (name: string, fallback: number): number => {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65_535) throw new Error(`${name} must be a port number, got '${value}'`);
  return parsed;
};

async function main(): Promise<void> {
  const started = Date.now();
  const redisSetting = process.env.LOCAL_REDIS_URL;
  const devVars = readDevVars();

  // Handlers first: a Ctrl-C while the stack is still starting must stop what already runs.
  const starting = new AbortController();
  let stack: LocalStack | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack…`);
    if (!stack) {
      // Still starting: startLocalStack stops what it started, then rejects with an AbortError.
      starting.abort();
      return;
    }
    await stack.stop();
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void shutdown(signal));

  stack = await startLocalStack({
    ports: {
      edge: port("EDGE_PORT", 8787),
      api: port("API_PORT", 8788),
      site: port("SITE_PORT", 3000),
      database: port("DB_PORT", 5488),
      redis: port("REDIS_REST_PORT", 8079),
      qstash: port("QSTASH_PORT", 8080),
      mail: port("MAIL_PORT", 8025),
    },
    dataDir: process.env.XR2_DATA_DIR ?? join(ROOT, ".data"),
    redisUrl: redisSetting === "memory" ? null : redisSetting || undefined,
    withSite: process.env.XR2_NO_SITE !== "1",
    devVars,
    log: (line) => console.log(line),
    signal: starting.signal,
  });

  let demoLines: string;
  try {
    demoLines = await seedDemoLines(stack, devVars);
    demoLines += await scheduleAggregation(stack, devVars);
  } catch (error) {
    await stack.stop();
    throw error;
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`
xR2 is running locally (ready in ${seconds} s). Ctrl-C stops everything.

  Edge (Product API)  ${stack.urls.edge}        health: ${stack.urls.edge}/health
  API (management)    ${stack.urls.api}        health: ${stack.urls.api}/health
  Site                ${stack.urls.site ?? "(disabled: XR2_NO_SITE=1)"}
  Postgres            ${stack.backends.database}  ${stack.urls.database}${stack.urls.neonEndpoint ? `  (Neon endpoint ${stack.urls.neonEndpoint})` : ""}
  Redis REST          ${stack.backends.redis}  ${stack.urls.redis}
  QStash              ${stack.backends.qstash}  ${stack.urls.qstash}
  Metrics             ${stack.urls.api}/metrics  (Prometheus; Authorization: Bearer ${devVars.METRICS_TOKEN ?? DEVELOPMENT_SECRETS.METRICS_TOKEN})
  Mail                ${stack.urls.mail ? `local inbox  ${stack.urls.mail}  (every e-mail the workers send lands here)` : stack.backends.mail}
${demoLines}`);
}

/**
 * The demo workspace goes into the embedded database only: a DATABASE_URL from .dev.vars may be
 * shared, and a known login and API key have no place there (XR2_SEED=1 insists).
 */
async function seedDemoLines(stack: LocalStack, devVars: Record<string, string>): Promise<string> {
  if (devVars.DATABASE_URL && process.env.XR2_SEED !== "1") {
    return "\n  Demo data          not seeded: DATABASE_URL comes from .dev.vars (XR2_SEED=1 seeds it anyway)\n";
  }
  const demo = await seedDemo(stack.urls.api);
  const llmLines = await saveDemoLlmKeys(stack, demo);
  return `
  Demo login          ${demo.email} / ${demo.password}
  Demo API key        ${demo.api_key}

  Try: curl -H "Authorization: Bearer ${demo.api_key}" "${stack.urls.edge}/api/v1/get-prompt/${demo.prompt_slugs[0]}?var.name=Ada&var.product=xR2"
${llmLines}`;
}

/**
 * The playground works offline: the demo workspace gets the fake providers' demo keys (saved
 * through the API, like an Admin would). Providers whose base URL .dev.vars names are real: their
 * keys are yours to add in the playground.
 */
async function saveDemoLlmKeys(stack: LocalStack, demo: DemoSeed): Promise<string> {
  const fakes = Object.entries(stack.llmFakes) as Array<[FakeProviderName, string]>;
  const login = await fetch(`${stack.urls.api}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: demo.email, password: demo.password }) });
  if (!login.ok) throw new Error(`signing in as the demo user failed with ${login.status}`);
  const { access_token: token } = (await login.json()) as { access_token: string };
  for (const [provider] of fakes) {
    const saved = await fetch(`${stack.urls.api}/api/llm/workspace-keys/${provider}`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-workspace-id": demo.workspace_id },
      body: JSON.stringify({ api_key: FAKE_LLM_KEYS[provider] }),
    });
    if (!saved.ok) throw new Error(`saving the demo ${provider} key failed with ${saved.status}: ${await saved.text()}`);
  }
  const real = (["openai", "anthropic", "google"] as const).filter((provider) => !(provider in stack.llmFakes));
  return `
  LLM playground      fake providers (demo keys saved in the demo workspace): ${fakes.map(([provider, url]) => `${provider} ${url}`).join(", ") || "none"}
                      ${real.length > 0 ? `real (base URL from .dev.vars): ${real.join(", ")}; add your keys in the playground` : "real providers: set OPENAI_BASE_URL / ANTHROPIC_BASE_URL / GOOGLE_AI_BASE_URL in .dev.vars"}
`;
}

/** The local QStash runs the aggregation job every five minutes, as the real one does once deployed. */
async function scheduleAggregation(stack: LocalStack, devVars: Record<string, string>): Promise<string> {
  if (devVars.QSTASH_URL) return "  Aggregation        schedule not registered: QSTASH_URL comes from .dev.vars (see README, Deploy)\n";
  const response = await fetch(`${stack.urls.api}/api/dev/schedule-aggregation`, { method: "POST" });
  const schedule = (await response.json()) as { cron: string; destination: string };
  if (!response.ok) throw new Error(`registering the aggregation schedule failed: ${JSON.stringify(schedule)}`);
  return `  Aggregation        ${schedule.destination} on "${schedule.cron}" (local QStash)\n`;
}

main().catch((error: unknown) => {
  if (error instanceof Error && error.name === "AbortError") process.exit(0);
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
