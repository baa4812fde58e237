/**
 * API worker tests, inside workerd with the real KV binding, against the local stand-ins: every
 * file but API_FILES_ALONE, two or more at a time (test/support/worker-files.ts). Those run one at
 * a time after them, as the `api-sweeps` project (vitest.sweeps.config.ts), configured alike.
 */
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { configDefaults, defineProject } from "vitest/config";
import { API_TEST_DEPS } from "../../test/support/worker-deps.ts";
import { API_FILES_ALONE, WORKER_FILES_AT_ONCE, WORKER_GROUP_ORDER } from "../../test/support/worker-files.ts";
import { DEVELOPMENT_SECRETS } from "./src/development-secrets.ts";

export function apiTestProject(files: { name: string; include: string[]; exclude?: string[]; maxWorkers: number; groupOrder: number }) {
  return defineProject({
    plugins: [
      cloudflareTest(({ inject }) => ({
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            ...inject("services"),
            ...inject("googleSignIn"),
            ...inject("llmProviders"),
            // Not INBOX_URL: the worker knows Resend's API, the tests read the inbox.
            RESEND_BASE_URL: inject("mail").RESEND_BASE_URL,
            RESEND_API_KEY: inject("mail").RESEND_API_KEY,
            MAIL_FROM: inject("mail").MAIL_FROM,
            SITE_URL: "https://site.test",
            ENVIRONMENT: "test",
            // Tests count exactly what Redis counted: on a busy machine, a limit must not let a
            // call through because Redis took longer than production's 500 ms.
            API_RATE_LIMIT_TIMEOUT_MS: "5000",
            // Each request's metrics reach Redis in its own waitUntil, which call() waits for.
            METRICS_FLUSH_MS: "0",
            ...DEVELOPMENT_SECRETS,
          },
        },
      })),
    ],
    test: {
      name: files.name,
      include: files.include,
      exclude: [...configDefaults.exclude, ...(files.exclude ?? [])],
      setupFiles: ["../shared/src/testing/drain-console.ts"],
      // Each file's fresh workerd loads its packages pre-bundled, one module each (worker-deps.ts).
      deps: { optimizer: { ssr: { enabled: true, include: API_TEST_DEPS } } },
      maxWorkers: files.maxWorkers,
      sequence: { groupOrder: files.groupOrder },
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  });
}

// (An `exclude` of its own replaces vitest's --exclude flags for this project: .ci/run gives
// none that concern it.)
export default apiTestProject({
  name: "api",
  include: ["src/**/*.test.ts"],
  exclude: API_FILES_ALONE,
  maxWorkers: WORKER_FILES_AT_ONCE,
  groupOrder: WORKER_GROUP_ORDER,
});
