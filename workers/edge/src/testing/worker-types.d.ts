// Types for `cloudflare:workers` in the edge tests: `exports.default` is the edge worker and
// `env` carries its KV binding. (The repository has one tsconfig; the API tests only spread env.)
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("../index.ts");
  }
  interface Env {
    PROMPTS_KV: KVNamespace;
    UPSTASH_REDIS_REST_URL: string;
  }
}
