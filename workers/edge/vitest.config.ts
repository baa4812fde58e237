/**
 * Edge worker tests, inside workerd with real KV and queue bindings. The API worker runs beside
 * it as an auxiliary worker (bundled by wrangler), reached through the real service binding.
 */
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { readFileSync } from "node:fs";
import { defineProject } from "vitest/config";
import { EDGE_TEST_DEPS } from "../../test/support/worker-deps.ts";
import { WORKER_FILES_AT_ONCE, WORKER_GROUP_ORDER } from "../../test/support/worker-files.ts";
import { DEVELOPMENT_SECRETS } from "../api/src/development-secrets.ts";

const secrets = {
  ENVIRONMENT: "test",
  METRICS_FLUSH_MS: "0",
  ...DEVELOPMENT_SECRETS,
};

export default defineProject({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: "./src/index.ts",
      wrangler: { configPath: "../../wrangler.toml" },
      miniflare: {
        bindings: { ...inject("services"), ENVIRONMENT: "test" },
        workers: [
          {
            name: "xr2-api",
            // wrangler bundles the worker into one module. It is listed rather than followed
            // from scriptPath: miniflare cannot follow the computed import() calls a dependency
            // has (@upstash/qstash's development mode), which never run in the worker.
            modules: [{ type: "ESModule", path: "index.js", contents: readFileSync(inject("apiWorkerBundle"), "utf8") }],
            compatibilityDate: "2026-04-20",
            compatibilityFlags: ["nodejs_compat"],
            kvNamespaces: { PROMPTS_KV: "xr2-prompts" },
            queueConsumers: { "xr2-events": { maxBatchTimeout: 0.05, deadLetterQueue: "xr2-events-dlq" }, "xr2-events-dlq": { maxBatchTimeout: 0.05 } },
            // Mail as in the API project's tests: to the shared local inbox, its links on SITE_URL
            // (mail without SITE_URL is a misconfiguration the API worker refuses).
            bindings: {
              ...inject("services"),
              RESEND_BASE_URL: inject("mail").RESEND_BASE_URL,
              RESEND_API_KEY: inject("mail").RESEND_API_KEY,
              MAIL_FROM: inject("mail").MAIL_FROM,
              SITE_URL: "https://site.test",
              ...secrets,
            },
          },
        ],
      },
    })),
  ],
  test: {
    name: "edge",
    include: ["src/**/*.test.ts"],
    setupFiles: ["../shared/src/testing/drain-console.ts"],
    // Each file's fresh workerd loads its packages pre-bundled, one module each (worker-deps.ts).
    deps: { optimizer: { ssr: { enabled: true, include: EDGE_TEST_DEPS } } },
    // Two files at once at least, in a group of their own (worker-files.ts).
    maxWorkers: WORKER_FILES_AT_ONCE,
    sequence: { groupOrder: WORKER_GROUP_ORDER },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
