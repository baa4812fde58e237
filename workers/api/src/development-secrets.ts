/**
 * The secrets `npm run dev` and the tests run with. They are in the repository, so anyone can
 * sign access tokens or decrypt provider keys with them: the API worker refuses them (and any
 * other weak value) when ENVIRONMENT is production, see env.ts. One place, so that the local
 * stack, the test configs and that refusal cannot drift apart. No imports: the Node side
 * (local/stack.ts, vitest configs) reads it too.
 */
export const DEVELOPMENT_SECRETS = {
  JWT_SECRET: "local-development-jwt-secret-not-for-production-use",
  // 32 bytes of 7, base64.
  ENCRYPTION_KEY: "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=",
  /** The bearer token of GET /metrics (`npm run dev` prints it). */
  METRICS_TOKEN: "local-development-metrics-token-not-for-production",
} as const;

/**
 * The signing keys of QStash's own development server (`npx @upstash/qstash-cli dev`), which the
 * local QStash stand-in signs with. They are published by Upstash, so a production worker that
 * checked deliveries with them would accept jobs signed by anyone: env.ts refuses them there.
 */
export const QSTASH_DEVELOPMENT_SIGNING_KEYS = {
  current: "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r",
  next: "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs",
} as const;
