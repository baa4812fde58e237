// One `npm test` runs every project: Node-side tests (local stand-ins, schema, shared code)
// and worker tests inside workerd with real KV and queue bindings.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Started once for every project, in plain Node: the worker projects' resolve conditions
    // (workerd) must not apply to the stand-ins, which are Node servers.
    // Workers log one JSON line per request; show logs only for tests that fail.
    silent: "passed-only",
    globalSetup: ["test/support/local-services.ts", "test/support/api-worker-bundle.ts"],
    projects: [
      {
        test: {
          name: "node",
          environment: "node",
          include: [
            "local/**/*.test.ts",
            "db/**/*.test.ts",
            "workers/shared/**/*.test.ts",
            "scripts/**/*.test.ts",
            "sdk/typescript/**/*.test.ts",
            "bench/**/*.test.ts",
            "cli/**/*.test.ts",
          ],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          environment: "node",
          // All but cpu-bounds (e2e-quiet's), left out by the pattern: a project's own `exclude`
          // would replace the `--exclude` flags .ci/run's second pass gives, not add to them.
          include: ["test/e2e/**/!(cpu-bounds).test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // The CPU bounds of large inputs hold requests to wall-clock budgets (a second for
          // /health beside the worst input): measured last, alone, on a machine the rest of the
          // suite no longer keeps busy. (Last as long as no group-0 project sets maxWorkers: 1,
          // which vitest runs in a group of its own after every ordered one.)
          name: "e2e-quiet",
          environment: "node",
          include: ["test/e2e/cpu-bounds.test.ts"],
          sequence: { groupOrder: 4 },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // The management site in Debian's Chromium against the whole local stack: one stack
          // with the site's dev server for the project (its global setup), a browser per file,
          // one file at a time (the setup file prints the stack's output for a failed test).
          // After node and e2e (group 0), the worker projects (group 1, two files at a time) and
          // api-sweeps (group 2, alone: test/support/worker-files.ts); only e2e-quiet follows,
          // so that pages are not timed on a machine busy with the rest of the suite.
          name: "browser",
          environment: "node",
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["test/browser/support/shared-stack.ts"],
          setupFiles: ["test/browser/support/stack-log.ts"],
          fileParallelism: false,
          sequence: { groupOrder: 3 },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      "workers/api/vitest.config.ts",
      "workers/api/vitest.sweeps.config.ts",
      "workers/edge/vitest.config.ts",
    ],
  },
});
