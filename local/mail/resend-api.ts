/**
 * The slice of Resend's e-mail API the inbox speaks (https://resend.com/docs/api-reference):
 * the request body of `POST /emails` with Resend's required fields and limits, and its error
 * body `{ statusCode, name, message }`. Fields Resend accepts that the inbox has no use for
 * (attachments, tags, headers, scheduled_at, …) are accepted and ignored.
 */
import * as z from "zod";

/** Resend's limit of recipients per message. */
export const MAX_RECIPIENTS = 50;

// "pat@example.com" or "Pat <pat@example.com>", as Resend takes them.
const ADDRESS = /^(?:[^<>\r\n]*<[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)$/;

const address = (field: string) =>
  z.string({ error: `The \`${field}\` field must be a string.` }).trim().regex(ADDRESS, `Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`);

const addresses = (field: string, max = MAX_RECIPIENTS) =>
  z
    .union([address(field).transform((one) => [one]), z.array(address(field))], { error: `Invalid \`${field}\` field.` })
    .refine((list) => list.length <= max, `The \`${field}\` field must have at most ${max} recipients.`);

export const sendEmailSchema = z
  .looseObject({
    from: address("from"),
    to: addresses("to").refine((list) => list.length > 0, "The `to` field must have at least one recipient."),
    subject: z.string({ error: "Missing `subject` field." }).min(1, "Missing `subject` field.").max(998),
    cc: addresses("cc").optional(),
    bcc: addresses("bcc").optional(),
    reply_to: addresses("reply_to").optional(),
    html: z.string().optional(),
    text: z.string().optional(),
  })
  .refine((email) => email.html !== undefined || email.text !== undefined, { message: "Missing `html` or `text` field.", path: ["html"] });

export type SendEmailRequest = z.infer<typeof sendEmailSchema>;

export type ResendErrorName = "missing_api_key" | "invalid_api_key" | "validation_error" | "missing_required_field" | "not_found" | "method_not_allowed" | "content_too_large" | "application_error";

export interface ResendError {
  statusCode: number;
  name: ResendErrorName;
  message: string;
}

export class ResendApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorName: ResendErrorName,
    message: string,
  ) {
    super(message);
  }

  get body(): ResendError {
    return { statusCode: this.statusCode, name: this.errorName, message: this.message };
  }
}

/** The first issue of `body`, worded as Resend words it; a missing field is `missing_required_field`. */
export function validationError(body: unknown, error: z.ZodError): ResendApiError {
  const issue = error.issues[0]!;
  const field = String(issue.path[0] ?? "body");
  // A field's own check failing on an absent value; the html-or-text rule (custom) has its own message.
  const missing = issue.code !== "custom" && issue.path.length === 1 && typeof body === "object" && body !== null && (body as Record<string, unknown>)[field] === undefined;
  return missing ? new ResendApiError(422, "missing_required_field", `Missing \`${field}\` field.`) : new ResendApiError(422, "validation_error", issue.message);
}
