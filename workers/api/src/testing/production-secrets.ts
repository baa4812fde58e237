/**
 * Secrets a production worker accepts (env.ts refuses the development ones there): random per
 * call, as `openssl rand` makes them, and QStash signing keys that are not its public development ones.
 */
export function productionSecrets(): {
  ENVIRONMENT: "production";
  JWT_SECRET: string;
  ENCRYPTION_KEY: string;
  QSTASH_CURRENT_SIGNING_KEY: string;
  QSTASH_NEXT_SIGNING_KEY: string;
  METRICS_TOKEN: string;
} {
  const random = (bytes: number) => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))));
  return { ENVIRONMENT: "production", JWT_SECRET: random(48), ENCRYPTION_KEY: random(32), QSTASH_CURRENT_SIGNING_KEY: `sig_${random(18)}`, QSTASH_NEXT_SIGNING_KEY: `sig_${random(18)}`, METRICS_TOKEN: random(32) };
}
