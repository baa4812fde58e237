/**
 * The lighthouse suite (issue 17, item 8): the production build of the site, signed in, scored by
 * Lighthouse (the pinned devDependency) in Debian's Chromium on /prompts, /prompts/{id} and
 * /dashboard. Goals: performance ≥ 90, accessibility 100, best practices ≥ 95.
 *
 * The workers run as for the other suites; the site is built with `vinxi build` (its Cloudflare
 * preset, VITE_API_URL pointing at this stack's API) and served by `wrangler dev` from the built
 * worker and assets, as `npm run start --workspace site` does. An account, a workspace and a
 * published prompt are seeded through the API; the session goes into the browser the way the site
 * keeps it (the refresh token and the chosen workspace in localStorage), so every audited page
 * loads signed in. Lighthouse's desktop preset (its `desktop-config`: no CPU or network slow-down
 * beyond its simulated desktop profile) unless BENCH_LIGHTHOUSE_FORM=mobile. BENCH_LIGHTHOUSE_JSON_DIR=<dir>
 * keeps each page's full Lighthouse report there (<page>.json), to read which audits cost the points.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, ROOT, startThrowawayStack, type LocalStack } from "../local/stack.ts";
import { localPostgresUrl, type Row } from "./support.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const JSON_DIR = process.env.BENCH_LIGHTHOUSE_JSON_DIR;
const FORM = process.env.BENCH_LIGHTHOUSE_FORM === "mobile" ? "mobile" : "desktop";
const GOALS = { performance: 90, accessibility: 100, "best-practices": 95 } as const;
type Category = keyof typeof GOALS;
const CATEGORY_NAMES: Record<Category, string> = { performance: "performance", accessibility: "accessibility", "best-practices": "best practices" };

export async function lighthouseSuite(log: (line: string) => void): Promise<Row[]> {
  const sitePort = await freePort();
  const site = `http://127.0.0.1:${sitePort}`;
  let stack: LocalStack | undefined;
  let server: ChildProcess | undefined;
  const profile = mkdtempSync(join(tmpdir(), "xr2-lighthouse-"));
  try {
    const databaseUrl = await localPostgresUrl();
    stack = await startThrowawayStack({
      ...(databaseUrl ? { databaseUrl } : {}),
      // The in-memory Redis stand-in: a shared Redis would carry other runs' sign-up counts.
      devVars: { ALLOWED_ORIGINS: site, SITE_URL: site, RATE_LIMIT_OVERRIDES: JSON.stringify({ signUpPerIp: { requests: 1_000 }, signUpAttemptsPerIp: { requests: 1_000 } }) },
      log,
    });
    // Seeded first: a seeding mistake then fails before the minutes of the build.
    const seeded = await seed(stack.urls.api);
    log("[lighthouse] building the site");
    execFileSync("npm", ["run", "build", "--workspace", "site"], {
      cwd: ROOT,
      env: { ...process.env, VITE_API_URL: stack.urls.api, VITE_EDGE_URL: stack.urls.edge },
      stdio: ["ignore", process.env.BENCH_VERBOSE ? "inherit" : "ignore", "inherit"],
    });
    server = serveBuiltSite(sitePort, log);
    await waitForHttp(site, 90_000, server);

    const pages = [
      { path: "/prompts", label: "/prompts" },
      { path: `/prompts/${seeded.promptId}`, label: "/prompts/{id}" },
      { path: "/dashboard", label: "/dashboard" },
    ];
    const results = await audit(site, seeded, pages, profile, log);
    const rows: Row[] = [];
    for (const result of results) {
      for (const category of Object.keys(GOALS) as Category[]) {
        const score = result.scores[category];
        const goal = GOALS[category];
        rows.push({
          name: `lighthouse (${FORM}): ${result.label} ${CATEGORY_NAMES[category]}`,
          unit: "score",
          throughput: score,
          p50_ms: null,
          p95_ms: null,
          p99_ms: null,
          errors: 0,
          baseline: null,
          ratio: null,
          p99_ratio: null,
          goal: goal === 100 ? "= 100" : `≥ ${goal}`,
          met: score >= goal,
          ...(result.failing[category].length > 0 ? { notes: result.failing[category] } : {}),
          ...(category === "performance" ? { metrics: result.metrics } : {}),
        });
      }
    }
    return rows;
  } finally {
    if (server) await stopProcess(server);
    await stack?.stop();
    rmSync(profile, { recursive: true, force: true });
  }
}

interface Seeded {
  refreshToken: string;
  workspaceId: string;
  promptId: string;
}

/** An account, its workspace and a prompt with a published version, through the API. */
async function seed(api: string): Promise<Seeded> {
  const call = async (method: string, path: string, body: unknown, token?: string, workspaceId?: string) => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...(workspaceId ? { "x-workspace-id": workspaceId } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
    return json;
  };
  const account = { email: `lighthouse-${Date.now()}@example.com`, password: "correct horse battery staple", name: "Lighthouse PM" };
  const registered = await call("POST", "/api/auth/register", account);
  const token = registered.access_token as string;
  const workspace = await call("POST", "/api/workspaces", { name: "Lifecycle messages" }, token);
  const workspaceId = workspace.id as string;
  const prompt = await call("POST", "/api/prompts", { slug: "onboarding-welcome", name: "Onboarding welcome", description: "The first message a new customer gets", tags: ["onboarding"] }, token, workspaceId);
  const promptId = prompt.id as string;
  const version = await call(
    "POST",
    `/api/prompts/${promptId}/versions`,
    { content: "Welcome aboard, {name}! {% if vip %}Your account manager will call you today.{% else %}Here is how to start.{% endif %}", variables: [{ name: "name", type: "string", required: true }, { name: "vip", type: "boolean", default: false }] },
    token,
    workspaceId,
  );
  await call("PUT", `/api/prompts/${promptId}/versions/${version.id as string}/publish`, { environment: "production" }, token, workspaceId);
  await call("POST", "/api/prompts", { slug: "billing-receipt", name: "Billing receipt" }, token, workspaceId);
  const login = await call("POST", "/api/auth/login", { email: account.email, password: account.password });
  return { refreshToken: login.refresh_token as string, workspaceId, promptId };
}

interface PageResult {
  label: string;
  scores: Record<Category, number>;
  failing: Record<Category, string[]>;
  metrics: Record<string, number>;
}

async function audit(site: string, seeded: Seeded, pages: Array<{ path: string; label: string }>, profile: string, log: (line: string) => void): Promise<PageResult[]> {
  const { launch } = await import("chrome-launcher");
  const { default: lighthouse } = await import("lighthouse");
  const { default: desktopConfig } = await import("lighthouse/core/config/desktop-config.js");
  const puppeteer = await import("puppeteer-core");
  const chrome = await launch({ chromePath: CHROMIUM, userDataDir: profile, chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  try {
    const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}`, defaultViewport: null });
    const page = await browser.newPage();
    // The session as the site keeps it (site/src/session/session.ts): the refresh token and the chosen workspace.
    await page.goto(`${site}/sign-in`, { waitUntil: "load" });
    await page.evaluate(
      (refreshToken: string, workspaceId: string) => {
        // Runs in the page; the bench has no DOM types.
        const storage = (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage;
        storage.setItem("xr2.refresh_token", refreshToken);
        storage.setItem("xr2.workspace_id", workspaceId);
      },
      seeded.refreshToken,
      seeded.workspaceId,
    );
    const results: PageResult[] = [];
    for (const { path, label } of pages) {
      // A first visit warms wrangler's worker and the browser's HTTP cache is then cleared by Lighthouse; the audit is the second.
      await page.goto(`${site}${path}`, { waitUntil: "networkidle0" });
      log(`[lighthouse] auditing ${label}`);
      const runner = await lighthouse(
        `${site}${path}`,
        { port: chrome.port, output: "json", logLevel: "error", disableStorageReset: true, onlyCategories: Object.keys(GOALS) },
        FORM === "desktop" ? desktopConfig : undefined,
        page,
      );
      if (!runner) throw new Error(`Lighthouse gave no result for ${path}`);
      const lhr = runner.lhr;
      if (lhr.runtimeError) throw new Error(`Lighthouse on ${path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      if (new URL(lhr.finalDisplayedUrl).pathname !== path) throw new Error(`Lighthouse on ${path} ended on ${lhr.finalDisplayedUrl}: not signed in?`);
      if (JSON_DIR) {
        mkdirSync(JSON_DIR, { recursive: true });
        writeFileSync(join(JSON_DIR, `${label.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "") || "root"}.json`), JSON.stringify(lhr, null, 2));
      }
      const scores = {} as Record<Category, number>;
      const failing = {} as Record<Category, string[]>;
      for (const category of Object.keys(GOALS) as Category[]) {
        const entry = lhr.categories[category]!;
        scores[category] = Math.round((entry.score ?? 0) * 100);
        failing[category] = entry.auditRefs
          .filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 0.9 && lhr.audits[ref.id]?.scoreDisplayMode !== "notApplicable")
          .map((ref) => `${ref.id}: ${lhr.audits[ref.id]!.displayValue ?? lhr.audits[ref.id]!.title}`);
      }
      const metric = (id: string) => Math.round(lhr.audits[id]?.numericValue ?? 0);
      results.push({
        label,
        scores,
        failing,
        metrics: { fcp_ms: metric("first-contentful-paint"), lcp_ms: metric("largest-contentful-paint"), tbt_ms: metric("total-blocking-time"), cls_x1000: Math.round((lhr.audits["cumulative-layout-shift"]?.numericValue ?? 0) * 1000), speed_index_ms: metric("speed-index") },
      });
      log(`[lighthouse] ${label}: ${JSON.stringify(scores)} ${JSON.stringify(failing)}`);
    }
    await browser.disconnect();
    return results;
  } finally {
    chrome.kill();
  }
}

/** The built site as `npm run start --workspace site` serves it: wrangler dev over .output. */
function serveBuiltSite(port: number, log: (line: string) => void): ChildProcess {
  const child = spawn("npm", ["run", "start", "--workspace", "site"], {
    cwd: ROOT,
    env: { ...process.env, SITE_PORT: String(port), WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) log(`[site] ${line}`);
  };
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  await Promise.race([exited, new Promise((done) => setTimeout(done, 5_000).unref())]);
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    /* gone */
  }
}

async function waitForHttp(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the built site's server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status < 500) return;
    } catch {
      /* not yet */
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
