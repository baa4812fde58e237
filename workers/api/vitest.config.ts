/** API worker tests, inside workerd with the real KV binding, against the local stand-ins. */
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineProject } from "vitest/config";
import { DEVELOPMENT_SECRETS } from "./src/development-secrets.ts";

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
          ...DEVELOPMENT_SECRETS,
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
