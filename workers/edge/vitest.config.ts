/**
 * Edge worker tests, inside workerd with real KV and queue bindings. The API worker runs beside
 * it as an auxiliary worker (bundled by wrangler), reached through the real service binding.
 */
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { dirname } from "node:path";
import { defineProject } from "vitest/config";

const secrets = {
  ENVIRONMENT: "test",
  JWT_SECRET: "test-jwt-secret-that-is-long-enough-0123456789",
  ENCRYPTION_KEY: btoa(String.fromCharCode(...new Uint8Array(32).fill(3))),
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
            modules: true,
            scriptPath: inject("apiWorkerBundle"),
            modulesRoot: dirname(inject("apiWorkerBundle")),
            compatibilityDate: "2026-04-20",
            compatibilityFlags: ["nodejs_compat"],
            kvNamespaces: { PROMPTS_KV: "xr2-prompts" },
            queueConsumers: { "xr2-events": { maxBatchTimeout: 0.05 } },
            bindings: { ...inject("services"), ...secrets },
          },
        ],
      },
    })),
  ],
  test: {
    name: "edge",
    include: ["src/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
