/**
 * The Resend client against the local inbox (which speaks Resend's API, see local/mail/): a sent
 * message arrives as composed; a refusal or an unreachable server rejects with an Error that says
 * why without the API key or the message.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { composeMail } from "./compose.ts";
import { createResendMailer } from "./resend-mailer.ts";
import { listMail, waitForMail } from "../../testing/inbox.ts";
import { uniqueEmail } from "../../testing/http.ts";

const settings = env as unknown as { RESEND_BASE_URL: string; RESEND_API_KEY: string; MAIL_FROM: string };
const secretLink = (token: string) => `https://site.test/reset-password?token=${token}`;

function message(to: string, token = crypto.randomUUID()) {
  return composeMail({ to, subject: "Reset your xR2 password", paragraphs: ["Someone asked to reset the password of this account."], action: { label: "Choose a new password", url: secretLink(token) } });
}

describe("Resend mailer", () => {
  it("delivers the message as composed, from MAIL_FROM", async () => {
    const to = uniqueEmail();
    const sent = message(to);
    await createResendMailer({ apiKey: settings.RESEND_API_KEY, from: settings.MAIL_FROM, baseUrl: settings.RESEND_BASE_URL }).send(sent);
    const received = await waitForMail(to);
    expect(received).toMatchObject({ from: settings.MAIL_FROM, to: [to], subject: sent.subject, text: sent.text, html: sent.html });
  });

  it("rejects naming Resend's refusal of a wrong key, without the key or the message", async () => {
    const to = uniqueEmail();
    const token = crypto.randomUUID();
    const wrongKey = `re_wrong_${crypto.randomUUID()}`;
    const sending = createResendMailer({ apiKey: wrongKey, from: settings.MAIL_FROM, baseUrl: settings.RESEND_BASE_URL }).send(message(to, token));
    const error = await sending.then(() => undefined, (rejected: unknown) => rejected);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("mail could not be sent: Resend answered 403 (invalid_api_key: API key is invalid)");
    expect(await listMail(to)).toEqual([]);
  });

  it("rejects naming the validation error when Resend refuses the message", async () => {
    const token = crypto.randomUUID();
    const sending = createResendMailer({ apiKey: settings.RESEND_API_KEY, from: settings.MAIL_FROM, baseUrl: settings.RESEND_BASE_URL }).send(message("not an address", token));
    const error = (await sending.then(() => undefined, (rejected: unknown) => rejected)) as Error;
    expect(error.message).toMatch(/^mail could not be sent: Resend answered 422 \(validation_error: Invalid `to` field/);
    expect(error.message).not.toContain(token);
  });

  it("rejects when Resend cannot be reached", async () => {
    // Port 9 (discard) has no listener on the test machine: the connection is refused at once.
    const sending = createResendMailer({ apiKey: settings.RESEND_API_KEY, from: settings.MAIL_FROM, baseUrl: "http://127.0.0.1:9" }).send(message(uniqueEmail()));
    const error = (await sending.then(() => undefined, (rejected: unknown) => rejected)) as Error;
    expect(error.message).toMatch(/^mail could not be sent: Resend did not answer/);
    expect(error.message).not.toContain(settings.RESEND_API_KEY);
  });
});
