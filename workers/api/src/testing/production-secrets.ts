/** Secrets a production worker accepts (env.ts refuses the development ones there): random per call, as `openssl rand` makes them. */
export function productionSecrets(): { ENVIRONMENT: "production"; JWT_SECRET: string; ENCRYPTION_KEY: string } {
  const random = (bytes: number) => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))));
  return { ENVIRONMENT: "production", JWT_SECRET: random(48), ENCRYPTION_KEY: random(32) };
}
