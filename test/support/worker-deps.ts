/**
 * The packages the worker test projects pre-bundle (vitest's `deps.optimizer.ssr`). Each test
 * file of a worker project runs in a fresh workerd, which imports every module of its graph from
 * vitest one request at a time: a package such as `openai` or `@hono/zod-openapi` is hundreds of
 * modules, loaded again for every file. Pre-bundled, each is one module, built once per run
 * (and cached in workers/<worker>/node_modules/.vite): the API project's 76 files took
 * 13 min 21 s instead of about 18 min 30 s on a two-core machine. A package missing here still
 * works, loaded module by module.
 * Only bare imports of packages belong here; our own workspaces (@xr2/*) are source, not deps.
 */

/** What workers/shared and db/ import, and what both workers do, so both worker projects load it. */
const SHARED = [
  "zod",
  "hono",
  "hono/body-limit",
  "hono/http-exception",
  "hono/utils/http-status",
  "drizzle-orm",
  "drizzle-orm/pg-core",
  "drizzle-orm/neon-serverless",
  "drizzle-orm/neon-http",
  "@neondatabase/serverless",
  "@upstash/redis/cloudflare",
  "@upstash/ratelimit",
  "@noble/hashes/sha2",
  "@noble/hashes/utils",
  "ulidx",
  "fast-check",
];

/** The edge worker's tests: the shared code, the edge's own routes and services. */
export const EDGE_TEST_DEPS = SHARED;

/** The API worker's tests: the shared code and the API worker's libraries of more than a module or two. */
export const API_TEST_DEPS = [
  ...SHARED,
  "@hono/zod-openapi",
  "hono/factory",
  "hono/cookie",
  "hono/cors",
  "hono/route",
  "hono/utils/constants",
  "@upstash/qstash",
  "jose",
  "arctic",
  "yaml",
  "standardwebhooks",
  "js-tiktoken",
  "ipaddr.js",
  "@zxcvbn-ts/core",
  // Loaded with import() when a password is checked, which most test files' sign-ups do.
  "@zxcvbn-ts/language-common",
  "@zxcvbn-ts/language-en",
  "openai",
  "@anthropic-ai/sdk",
  "@google/generative-ai",
  "@modelcontextprotocol/sdk/server/mcp.js",
  "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js",
  "@modelcontextprotocol/sdk/types.js",
  "@modelcontextprotocol/sdk/validation/cfworker",
  "@modelcontextprotocol/sdk/client/index.js",
  "@modelcontextprotocol/sdk/client/streamableHttp.js",
];
