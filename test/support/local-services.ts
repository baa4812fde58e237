/**
 * Vitest global setup for the worker projects: starts the service stand-ins the workers talk to
 * (Postgres behind the Neon protocols, the Upstash Redis REST endpoint, QStash, a fake Google
 * OpenID provider, fake OpenAI/Anthropic/Gemini APIs, the local mail inbox) in Node, and provides their addresses to the tests' workerd bindings.
 *
 * TEST_DATABASE_URL switches Postgres from in-memory PGlite to a fresh database on that server;
 * TEST_REDIS_URL backs the Redis REST endpoint with that Redis instead of memory.
 */
import type { TestProject } from "vitest/node";
import { mailVars, MIGRATIONS_FOLDER, serviceVars } from "../../local/stack.ts";
import { startMailInbox } from "../../local/mail/index.ts";
import { startDatabase } from "../../local/neon/index.ts";
import { startFakeOidc } from "../../local/oidc/index.ts";
import { startQStash } from "../../local/qstash/index.ts";
import { startRedisRest } from "../../local/redis-rest/index.ts";
import { FAKE_LLM_KEYS, startFakeLlmProviders } from "../../local/llm-providers/index.ts";

export interface LocalServices {
  DATABASE_URL: string;
  NEON_LOCAL_ENDPOINT: string;
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
  QSTASH_URL: string;
  QSTASH_TOKEN: string;
  QSTASH_CURRENT_SIGNING_KEY: string;
  QSTASH_NEXT_SIGNING_KEY: string;
}

/** The API worker's Google sign-in settings, pointed at the fake OpenID provider. */
export interface GoogleSignInVars {
  GOOGLE_CLIENT_ID: string;
  GOOGLE_CLIENT_SECRET: string;
  GOOGLE_REDIRECT_URI: string;
  GOOGLE_AUTHORIZATION_URL: string;
  GOOGLE_TOKEN_URL: string;
  GOOGLE_ISSUER: string;
}

/** The API worker's LLM provider base URLs, pointed at the fake providers, and the key each accepts. */
export interface LlmFakeVars {
  OPENAI_BASE_URL: string;
  ANTHROPIC_BASE_URL: string;
  GOOGLE_AI_BASE_URL: string;
}

/** The API worker's mail settings, pointed at the local inbox, and the inbox's own origin (for its JSON listing). */
export interface MailVars {
  RESEND_BASE_URL: string;
  RESEND_API_KEY: string;
  MAIL_FROM: string;
  INBOX_URL: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    services: LocalServices;
    googleSignIn: GoogleSignInVars;
    llmProviders: LlmFakeVars;
    llmProviderKeys: typeof FAKE_LLM_KEYS;
    mail: MailVars;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const database = await startDatabase({
    ...(process.env.TEST_DATABASE_URL ? { databaseUrl: process.env.TEST_DATABASE_URL, freshDatabase: true } : {}),
    migrationsFolder: MIGRATIONS_FOLDER,
  });
  const redis = await startRedisRest({ token: "test-redis-token", redisUrl: process.env.TEST_REDIS_URL ?? null });
  const qstash = await startQStash({ retryBaseDelayMs: 50 });
  // The API tests call the worker as https://api.test, so Google would send the browser back there.
  const google = { clientId: "xr2-test.apps.googleusercontent.com", clientSecret: `secret-${crypto.randomUUID()}`, redirectUri: "https://api.test/api/auth/google/callback" };
  const llm = await startFakeLlmProviders();
  project.provide("llmProviders", llm.vars as unknown as LlmFakeVars);
  project.provide("llmProviderKeys", FAKE_LLM_KEYS);
  const inbox = await startMailInbox({ apiKey: `re_test_${crypto.randomUUID().replaceAll("-", "")}` });
  project.provide("mail", { ...mailVars(inbox), INBOX_URL: inbox.url } as MailVars);
  const oidc = await startFakeOidc({ clientId: google.clientId, clientSecret: google.clientSecret, redirectUris: [google.redirectUri] });
  // All three stand-ins are given, so every variable of LocalServices is set.
  project.provide("services", serviceVars({ database, redis, qstash }) as unknown as LocalServices);
  project.provide("googleSignIn", {
    GOOGLE_CLIENT_ID: google.clientId,
    GOOGLE_CLIENT_SECRET: google.clientSecret,
    GOOGLE_REDIRECT_URI: google.redirectUri,
    GOOGLE_AUTHORIZATION_URL: oidc.authorizationUrl,
    GOOGLE_TOKEN_URL: oidc.tokenUrl,
    GOOGLE_ISSUER: oidc.issuer,
  });
  return async () => {
    await oidc.close();
    await inbox.close();
    await llm.close();
    await qstash.close();
    await redis.close();
    await database.close();
  };
}
