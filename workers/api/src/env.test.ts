/**
 * A production worker refuses the repository's development secrets and weak ones: every request
 * answers 500 MISCONFIGURED naming the variable, and the log says which, never the value.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { createApiApp } from "./app.ts";
import { DEVELOPMENT_SECRETS, QSTASH_DEVELOPMENT_SIGNING_KEYS } from "./development-secrets.ts";
import { productionSecrets } from "./testing/production-secrets.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

async function liveWith(overrides: Record<string, unknown>) {
  const errors: string[] = [];
  vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(String(line)));
  const ctx = createExecutionContext();
  const response = await createApiApp().fetch(new Request("http://api.test/api/auth/providers"), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } }, errors };
}

describe("secrets in production", () => {
  it("random ones are accepted", async () => {
    expect((await liveWith(productionSecrets())).status).toBe(200);
  });

  it("the development ones are fine outside production", async () => {
    expect((await liveWith({ ENVIRONMENT: "development", ...DEVELOPMENT_SECRETS })).status).toBe(200);
  });

  const random = productionSecrets();
  it.each([
    ["the development JWT_SECRET", "JWT_SECRET", { JWT_SECRET: DEVELOPMENT_SECRETS.JWT_SECRET }, "development secret"],
    ["the development ENCRYPTION_KEY", "ENCRYPTION_KEY", { ENCRYPTION_KEY: DEVELOPMENT_SECRETS.ENCRYPTION_KEY }, "development key"],
    // Long enough anywhere else (32 characters), too short for production.
    ["a 32-character JWT_SECRET", "JWT_SECRET", { JWT_SECRET: random.JWT_SECRET.slice(0, 32) }, "too short or too repetitive"],
    ["a repetitive JWT_SECRET", "JWT_SECRET", { JWT_SECRET: "ab".repeat(40) }, "too short or too repetitive"],
    ["an ENCRYPTION_KEY of one repeated byte", "ENCRYPTION_KEY", { ENCRYPTION_KEY: btoa("\u0009".repeat(32)) }, "not random"],
    // Public (QStash's CLI development server uses them): anyone could sign a job delivery with them.
    ["QStash's development current signing key", "QSTASH_CURRENT_SIGNING_KEY", { QSTASH_CURRENT_SIGNING_KEY: QSTASH_DEVELOPMENT_SIGNING_KEYS.current }, "development signing key"],
    ["the development METRICS_TOKEN", "METRICS_TOKEN", { METRICS_TOKEN: DEVELOPMENT_SECRETS.METRICS_TOKEN }, "development token"],
    ["a 20-character METRICS_TOKEN", "METRICS_TOKEN", { METRICS_TOKEN: random.METRICS_TOKEN.slice(0, 20) }, "too short or too repetitive"],
    ["QStash's development next signing key", "QSTASH_NEXT_SIGNING_KEY", { QSTASH_NEXT_SIGNING_KEY: QSTASH_DEVELOPMENT_SIGNING_KEYS.next }, "development signing key"],
    // Not a secret, but the same kind of mistake: webhooks could then reach this machine's own services.
    ["WEBHOOKS_ALLOW_LOOPBACK", "WEBHOOKS_ALLOW_LOOPBACK", { WEBHOOKS_ALLOW_LOOPBACK: "true" }, "development only"],
  ])("%s is refused: 500 MISCONFIGURED naming it, logged without its value", async (_name, variable, weak, reason) => {
    const value = Object.values(weak)[0]!;
    const answer = await liveWith({ ...productionSecrets(), ...weak });
    expect(answer.status).toBe(500);
    expect(answer.body.error).toMatchObject({ code: "MISCONFIGURED", message: expect.stringContaining(`${variable}: `) });
    expect(answer.body.error!.message).toContain(reason);
    expect(answer.body.error!.message).not.toContain(value);
    const logged = answer.errors.filter((line) => line.includes("worker configuration is invalid"));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(variable);
    expect(logged[0]).not.toContain(value);
  });
});

describe("malformed secrets", () => {
  // Not base64: atob would throw inside the schema's refinements, a bare 500 without the variable's name or a log line.
  it.each([
    ["an ENCRYPTION_KEY that is not base64, in production", "ENCRYPTION_KEY", { ...productionSecrets(), ENCRYPTION_KEY: "not base64 at all!" }],
    ["an ENCRYPTION_KEY that is not base64, in development", "ENCRYPTION_KEY", { ENVIRONMENT: "development", ...DEVELOPMENT_SECRETS, ENCRYPTION_KEY: "%%%%" }],
    ["an ENCRYPTION_KEYS_PREVIOUS entry that is not base64", "ENCRYPTION_KEYS_PREVIOUS", { ...productionSecrets(), ENCRYPTION_KEYS_PREVIOUS: "%%%%" }],
  ])("%s is 500 MISCONFIGURED naming it, logged without its value", async (_name, variable, settings) => {
    const value = (settings as Record<string, string>)[variable]!;
    const answer = await liveWith(settings);
    expect(answer.status).toBe(500);
    expect(answer.body.error).toMatchObject({ code: "MISCONFIGURED", message: expect.stringContaining(`${variable}`) });
    expect(answer.body.error!.message).toContain("base64");
    // The production check for a repetitive key has nothing to judge in a value that does not decode.
    expect(answer.body.error!.message).not.toContain("not random");
    expect(answer.body.error!.message).not.toContain(value);
    const logged = answer.errors.filter((line) => line.includes("worker configuration is invalid"));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(variable);
    expect(logged[0]).not.toContain(value);
  });
});

describe("mail settings", () => {
  it("e-mail configured without SITE_URL is 500 MISCONFIGURED naming SITE_URL: no e-mail link could be built", async () => {
    const googleOff = { GOOGLE_CLIENT_ID: undefined, GOOGLE_CLIENT_SECRET: undefined, GOOGLE_REDIRECT_URI: undefined };
    const answer = await liveWith({ ENVIRONMENT: "development", ...DEVELOPMENT_SECRETS, ...googleOff, RESEND_API_KEY: "re_some_key", MAIL_FROM: "xR2 <no-reply@example.com>", SITE_URL: undefined });
    expect(answer.status).toBe(500);
    expect(answer.body.error).toMatchObject({ code: "MISCONFIGURED", message: expect.stringContaining("SITE_URL: is needed when e-mail is configured") });
    expect(answer.body.error!.message).not.toContain("re_some_key");
    expect(answer.errors.filter((line) => line.includes("worker configuration is invalid"))).toHaveLength(1);
  });

  it("neither e-mail nor SITE_URL is fine (no e-mail is sent)", async () => {
    expect((await liveWith({ ENVIRONMENT: "development", ...DEVELOPMENT_SECRETS, RESEND_API_KEY: undefined, MAIL_FROM: undefined, SITE_URL: undefined, GOOGLE_CLIENT_ID: undefined, GOOGLE_CLIENT_SECRET: undefined, GOOGLE_REDIRECT_URI: undefined })).status).toBe(200);
  });
});
