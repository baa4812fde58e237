/**
 * Smoke test of the first command a newcomer runs: `npm run dev` on embedded defaults (PGlite,
 * in-memory Redis, local QStash, local mail inbox), in a fresh data directory. Checks that every part answers,
 * that the demo API key fetches a prompt from the edge, and that Ctrl-C stops everything.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../local/stack.ts";

const READY_TIMEOUT_MS = 120_000;
const edge = `http://127.0.0.1:${process.env.EDGE_PORT ?? 8787}`;
const api = `http://127.0.0.1:${process.env.API_PORT ?? 8788}`;
const site = `http://127.0.0.1:${process.env.SITE_PORT ?? 3000}`;
const mail = `http://127.0.0.1:${process.env.MAIL_PORT ?? 8025}`;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "xr2-smoke-"));
  const started = Date.now();
  const child = spawn("npm", ["run", "dev"], {
    cwd: ROOT,
    env: { ...process.env, XR2_DATA_DIR: dataDir, LOCAL_REDIS_URL: "memory" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let readyTimer: ReturnType<typeof setTimeout> | undefined;
  const ready = new Promise<void>((resolveReady, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("xR2 is running locally")) resolveReady();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`npm run dev exited with ${code} before it was ready`)));
    readyTimer = setTimeout(() => reject(new Error(`npm run dev was not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
  });
  // Settled either way, the deadline must not keep this process alive.
  void ready.then(
    () => clearTimeout(readyTimer),
    () => clearTimeout(readyTimer),
  );

  try {
    await ready;
    const readySeconds = (Date.now() - started) / 1000;
    const apiKey = /Demo API key\s+(\S+)/.exec(output)?.[1];
    if (!apiKey) throw new Error("the demo API key was not printed");
    if (!output.includes(`Mail                local inbox  ${mail}`)) throw new Error("the local inbox's URL was not printed");
    if (!/Aggregation\s+http:\/\/\S+\/api\/jobs\/aggregate/.test(output)) throw new Error("the aggregation schedule was not registered with the local QStash");
    const checks: Array<[string, string, Record<string, string>?]> = [
      ["edge /health", `${edge}/health`],
      ["api /health", `${api}/health`],
      ["site", site],
      ["mail inbox", mail],
      ["mail inbox listing", `${mail}/api/messages`],
      ["edge get-prompt", `${edge}/api/v1/get-prompt/welcome-message?var.name=Ada&var.product=xR2`, { authorization: `Bearer ${apiKey}` }],
    ];
    for (const [name, url, headers] of checks) {
      const response = await fetch(url, { headers: headers ?? {} });
      const body = await response.text();
      if (response.status !== 200) throw new Error(`${name}: ${response.status} ${body.slice(0, 500)}`);
      console.log(`ok  ${name}  ${response.status}`);
    }
    console.log(`ready in ${readySeconds.toFixed(1)} s`);
  } catch (error) {
    // Set first: whatever happens while cleaning up, this run has failed.
    process.exitCode = 1;
    console.error(output.slice(-4000));
    throw error;
  } finally {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
      // Ctrl-C in a terminal signals the whole foreground process group: npm, its shell and tsx.
      process.kill(-child.pid, "SIGINT");
      const code = await Promise.race([exited, new Promise<"timeout">((done) => setTimeout(() => done("timeout"), 20_000))]);
      if (code === "timeout") {
        process.exitCode = 1;
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          /* already gone */
        }
        rmSync(dataDir, { recursive: true, force: true });
        throw new Error("npm run dev did not stop within 20 s of Ctrl-C");
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  for (const url of [edge, api, site, mail]) {
    const stillUp = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(() => true, () => false);
    if (stillUp) throw new Error(`${url} still answers after Ctrl-C`);
  }
  console.log("ok  Ctrl-C stopped everything");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
