/** API worker tests, inside workerd with the real KV binding, against the local stand-ins. */
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineProject } from "vitest/config";

export default defineProject({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          ...inject("services"),
          ...inject("googleSignIn"),
          ...inject("llmProviders"),
          SITE_URL: "https://site.test",
          ENVIRONMENT: "test",
          JWT_SECRET: "test-jwt-secret-that-is-long-enough-0123456789",
          ENCRYPTION_KEY: btoa(String.fromCharCode(...new Uint8Array(32).fill(3))),
        },
      },
    })),
  ],
  test: {
    name: "api",
    include: ["src/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
