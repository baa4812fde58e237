/**
 * `npm run build`: writes the API's Postman collection from its OpenAPI document
 * (postman-collection.ts) and the site's types of the API (api-types.ts), bundles both workers exactly as `wrangler deploy` would (dry run, nothing is
 * uploaded), builds the site with its Cloudflare preset, and prints the edge worker's gzip size,
 * the number that decides its cold start.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "../local/stack.ts";

const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_HIDE_BANNER: "true" };

export function bundleWorker(name: "edge" | "api", outdir = join(ROOT, "dist", name)): { file: string; bytes: number; gzipBytes: number; metafile: string; log: string } {
  rmSync(outdir, { recursive: true, force: true });
  const config = name === "edge" ? "wrangler.toml" : "workers/api/wrangler.toml";
  const metafile = join(outdir, "meta.json");
  // Wrangler's own debug log goes with the bundle, not into ~/.config/.wrangler/logs, which it never cleans.
  const log = join(outdir, "wrangler.log");
  execFileSync(join(ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "-c", config, "--outdir", outdir, "--metafile", metafile], {
    cwd: ROOT,
    env: { ...wranglerEnv, WRANGLER_LOG_PATH: log },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const file = join(outdir, "index.js");
  const code = readFileSync(file);
  return { file, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, metafile, log };
}

async function main(): Promise<void> {
  // The API worker bundles the Postman collection: converted from the routes being built.
  // Imported here: the test setup imports bundleWorker and needs neither the app nor the converter.
  const { writePostmanCollection } = await import("./postman-collection.ts");
  await writePostmanCollection();
  // The site's API layer is typed from the same document (site/src/api/openapi.d.ts).
  const { writeApiTypes } = await import("./api-types.ts");
  await writeApiTypes();
  const edge = bundleWorker("edge");
  const api = bundleWorker("api");
  execFileSync("npm", ["run", "build", "--workspace", "site"], { cwd: ROOT, stdio: "inherit" });
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  console.log(`\nedge worker: ${kib(edge.bytes)} (gzip ${kib(edge.gzipBytes)})  ${edge.file}`);
  console.log(`api worker:  ${kib(api.bytes)} (gzip ${kib(api.gzipBytes)})  ${api.file}`);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) await main();
