// One `npm test` runs every project: Node-side tests (local stand-ins, schema, shared code)
// and worker tests inside workerd with real KV and queue bindings.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
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
          ],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
