/**
 * The published package: its size budget (≤ 10 KB min+gzip with the template engine), a build
 * free of Node built-ins, and a tarball that installs, type-checks and runs on its own, outside
 * the repository.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(packageDir, "../..");
const BUDGET_BYTES = 10_240;

/** The SDK entry bundled and minified as an app's bundler would, then gzipped. */
const measured = await (async () => {
  const bundled = await build({
    entryPoints: [join(packageDir, "src/index.ts")],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    write: false,
  });
  const code = bundled.outputFiles[0]!.contents;
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length, text: new TextDecoder().decode(code) };
})();

beforeAll(() => {
  execFileSync(process.execPath, [join(packageDir, "build.mjs")], { stdio: "pipe" });
}, 60_000);

describe("@xr2/sdk package", () => {
  it(`fits the size budget: ${measured.gzipped} bytes min+gzip (${measured.minified} minified), at most ${BUDGET_BYTES}, template engine included`, () => {
    expect(measured.text).toContain("missing_variable"); // the engine is inside
    expect(measured.gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it("builds without Node built-ins: no node: imports, require, process or Buffer", () => {
    const files = readdirSync(join(packageDir, "dist"));
    expect(files.sort()).toEqual(["client.d.ts", "errors.d.ts", "index.d.ts", "index.js", "types.d.ts"]);
    for (const file of files) {
      const text = readFileSync(join(packageDir, "dist", file), "utf8");
      for (const pattern of [/["']node:/, /\brequire\s*\(/, /\bprocess\s*\./, /\bBuffer\b/, /\bimport\s*\(/]) {
        expect(text, `${file} matches ${pattern}`).not.toMatch(pattern);
      }
    }
    // Only dist/index.js has code, and it imports nothing: everything is bundled.
    expect(readFileSync(join(packageDir, "dist/index.js"), "utf8")).not.toMatch(/^\s*import\s/m);
  });

  it("packs into a tarball that installs, type-checks and runs outside the repository", () => {
    const scratch = mkdtempSync(join(tmpdir(), "xr2-sdk-consumer-"));
    try {
      const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", scratch], { cwd: packageDir, encoding: "utf8" })) as Array<{ filename: string; files: Array<{ path: string }> }>;
      expect(packed[0]!.files.map((file) => file.path).sort()).toEqual(["README.md", "dist/client.d.ts", "dist/errors.d.ts", "dist/index.d.ts", "dist/index.js", "dist/types.d.ts", "package.json"]);
      writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
      execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", join(scratch, packed[0]!.filename)], { cwd: scratch, stdio: "pipe" });
      writeFileSync(
        join(scratch, "consumer.ts"),
        `import { XR2, PromptNotFoundError, TemplateRenderError, type Prompt, type PromptBundle } from "@xr2/sdk";
declare const console: { log(text: string): void }; // no DOM or Node types: the package needs none
const bundle: PromptBundle = { environment: "production", prompts: [{ slug: "hello", prompt_id: "pr_1", environment: "production", version_id: "pv_1", version: 1, kind: "text", content: "Hi {name}", messages: null, variables: [{ name: "name", type: "string", required: true }], model_config: {}, published_at: "2026-12-06T09:00:00.000Z", experiment: null }] };
const xr2 = new XR2({ apiKey: "xr2_x", baseUrl: "http://127.0.0.1:9", bootstrap: bundle, maxRetries: 0, fetchTimeoutMs: 500, maxSendAttempts: 1 });
const prompt: Prompt = await xr2.getPrompt("hello", { variables: { name: "Ada" }, unitId: "u1" });
const origin: "network" | "cache" | "stale" | "bootstrap" | "fallback" = prompt.origin;
const eventId: string | null = xr2.track(prompt.trace_id, "purchase", { revenue: 9.99 }, { timestamp: Date.now() });
const missing = await xr2.getPrompt("nope").catch((error: unknown) => error instanceof PromptNotFoundError || error instanceof TemplateRenderError || error instanceof Error);
console.log(JSON.stringify({ content: prompt.content, origin, eventId: eventId !== null && eventId.length > 0, missing, stats: xr2.stats().events.queued }));
await xr2.close();
`,
      );
      writeFileSync(
        join(scratch, "tsconfig.json"),
        JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022"], types: [], strict: true, noEmit: true }, files: ["consumer.ts"] }),
      );
      execFileSync(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", scratch], { cwd: scratch, stdio: "pipe" });
      execFileSync(join(repoRoot, "node_modules/esbuild/bin/esbuild"), ["consumer.ts", "--outfile=consumer.mjs", "--format=esm"], { cwd: scratch, stdio: "pipe" });
      const output = JSON.parse(execFileSync(process.execPath, ["consumer.mjs"], { cwd: scratch, encoding: "utf8", timeout: 30_000 }));
      expect(output).toEqual({ content: "Hi Ada", origin: "bootstrap", eventId: true, missing: true, stats: 1 });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 120_000);
});
