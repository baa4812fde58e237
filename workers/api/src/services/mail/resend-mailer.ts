/**
 * The production mailer: Resend's HTTP API (`POST /emails`), which works from Workers because it
 * is one fetch. RESEND_BASE_URL points it at the local inbox (local/mail/) in development and
 * tests; production leaves it unset.
 *
 * Plain fetch rather than the `resend` SDK. The SDK (6.38) would run here — its constructor takes
 * a `baseUrl`, so it needs no process.env — but for the one request this worker makes it adds
 * about 115 KB minified to the bundle (its whole API surface, a MIME parser and a webhook
 * verifier), and it turns an unreachable server into a generic `{ error }` value. The request
 * and error shapes are Resend's documented ones (https://resend.com/docs/api-reference/emails/send-email);
 * the SDK itself is the client in the local inbox's tests (local/mail/mail.test.ts), which is
 * what shows the inbox and this client speak the same API.
 *
 * Nothing here logs: an error says the status and Resend's own message, never the API key, the
 * addressee or the body (which carries one-time tokens).
 */
import type { Mailer, MailMessage } from "./mailer.ts";

export const RESEND_DEFAULT_BASE_URL = "https://api.resend.com";
const SEND_TIMEOUT_MS = 10_000;

export interface ResendConfig {
  apiKey: string;
  /** "xR2 <no-reply@example.com>" or a bare address, on a domain verified in Resend. */
  from: string;
  /** Defaults to https://api.resend.com. */
  baseUrl?: string | undefined;
  fetch?: typeof fetch;
}

export function createResendMailer(config: ResendConfig): Mailer {
  const endpoint = `${(config.baseUrl ?? RESEND_DEFAULT_BASE_URL).replace(/\/+$/, "")}/emails`;
  const send = config.fetch ?? fetch;
  return {
    async send(message: MailMessage): Promise<void> {
      let response: Response;
      try {
        response = await send(endpoint, {
          method: "POST",
          // Resend refuses requests without a User-Agent; a worker's fetch sends none by itself.
          headers: { authorization: `Bearer ${config.apiKey}`, "content-type": "application/json", "user-agent": "xr2-api" },
          body: JSON.stringify({ from: config.from, to: [message.to], subject: message.subject, text: message.text, html: message.html }),
          signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        });
      } catch (error) {
        const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new Error(`mail could not be sent: Resend did not answer (${why})`);
      }
      const answer = await response.text();
      if (!response.ok) throw new Error(`mail could not be sent: Resend answered ${response.status}${describeError(answer)}`);
    },
  };
}

/** Resend answers errors as `{ statusCode, name, message }`; anything else is left out of the message. */
function describeError(body: string): string {
  try {
    const parsed = JSON.parse(body) as { name?: unknown; message?: unknown };
    const name = typeof parsed.name === "string" ? parsed.name : "";
    const message = typeof parsed.message === "string" ? parsed.message.slice(0, 300) : "";
    return name || message ? ` (${[name, message].filter(Boolean).join(": ")})` : "";
  } catch {
    return "";
  }
}
