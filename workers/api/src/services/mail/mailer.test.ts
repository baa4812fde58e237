/**
 * ctx.mailer(): the Resend client when RESEND_API_KEY and MAIL_FROM are set, a mailer that says
 * what is missing when neither is, and a worker that refuses to start with only one of them.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApiApp } from "../../app.ts";
import { testContext } from "../../testing/fixtures.ts";
import { uniqueEmail } from "../../testing/http.ts";
import { waitForMail } from "../../testing/inbox.ts";
import { composeMail } from "./compose.ts";
import { MAIL_NOT_CONFIGURED } from "./mailer.ts";

const settings = env as unknown as { RESEND_API_KEY: string; MAIL_FROM: string };

afterEach(() => {
  vi.restoreAllMocks();
});

describe("ctx.mailer()", () => {
  it("sends through the configured provider (here the local inbox)", async () => {
    const to = uniqueEmail();
    await testContext().mailer().send(composeMail({ to, subject: "Hello from xR2", paragraphs: ["Just checking."] }));
    expect(await waitForMail(to, { subject: /^Hello from xR2$/ })).toMatchObject({ from: settings.MAIL_FROM, to: [to] });
  });

  it("without RESEND_API_KEY and MAIL_FROM, rejects every send saying what to set", async () => {
    const ctx = testContext({ RESEND_API_KEY: undefined, MAIL_FROM: undefined });
    await expect(ctx.mailer().send(composeMail({ to: uniqueEmail(), subject: "s", paragraphs: ["x"] }))).rejects.toThrow(MAIL_NOT_CONFIGURED);
    expect(MAIL_NOT_CONFIGURED).toBe("mail is not configured: set RESEND_API_KEY and MAIL_FROM");
  });

  it.each([
    ["RESEND_API_KEY without MAIL_FROM", { MAIL_FROM: undefined }, "MAIL_FROM"],
    ["MAIL_FROM without RESEND_API_KEY", { RESEND_API_KEY: undefined }, "RESEND_API_KEY"],
    ["a MAIL_FROM that is not an address", { MAIL_FROM: "xR2 no-reply" }, "MAIL_FROM"],
    ["a plain-http RESEND_BASE_URL off this machine", { RESEND_BASE_URL: "http://mail.example" }, "RESEND_BASE_URL"],
    ["a RESEND_BASE_URL that is not a URL", { RESEND_BASE_URL: "api.resend.com" }, "RESEND_BASE_URL"],
  ])("%s: every request answers 500 MISCONFIGURED naming it, the key never shown", async (_name, overrides, variable) => {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(String(line)));
    const ctx = createExecutionContext();
    const response = await createApiApp().fetch(new Request("http://api.test/api/auth/providers"), { ...env, ...overrides }, ctx);
    await waitOnExecutionContext(ctx);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(500);
    expect(body.error.code).toBe("MISCONFIGURED");
    expect(body.error.message).toContain(variable);
    expect(body.error.message).not.toContain(settings.RESEND_API_KEY);
    expect(errors.join("\n")).not.toContain(settings.RESEND_API_KEY);
  });
});
