/**
 * Builds the e-mails xR2 sends: a few short paragraphs, at most one action link, plain text and a
 * small HTML version of the same words. The product's name is in both; there are no images,
 * tracking pixels or redirect links — the action's URL is the link itself, and the plain text
 * spells it out so it can be copied. Every interpolated value is HTML-escaped, so an address or a
 * workspace name typed by a user cannot add markup to a message.
 */
import type { MailMessage } from "./mailer.ts";

export const PRODUCT_NAME = "xR2";

export interface ComposeInput {
  to: string;
  subject: string;
  paragraphs: string[];
  /** The one thing the reader is asked to do; the URL must be http(s). */
  action?: { label: string; url: string };
  /** A last, smaller line (why the reader got this e-mail, what to do if it was not them). */
  footer?: string;
}

export function composeMail(input: ComposeInput): MailMessage {
  const subject = input.subject.replace(/\s+/g, " ").trim();
  const action = input.action && { label: input.action.label, url: checkedUrl(input.action.url) };
  const text = [
    ...input.paragraphs,
    ...(action ? [`${action.label}:\n${action.url}`] : []),
    ...(input.footer ? [input.footer] : []),
    `— ${PRODUCT_NAME}`,
  ].join("\n\n");
  const html = [
    "<!doctype html>",
    `<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:24px;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;font-size:15px;line-height:1.5;color:#1f2328;background:#ffffff">',
    '<div style="max-width:520px">',
    `<p style="margin:0 0 16px;font-weight:700;font-size:17px">${PRODUCT_NAME}</p>`,
    ...input.paragraphs.map((paragraph) => `<p style="margin:0 0 16px">${escapeHtml(paragraph)}</p>`),
    ...(action
      ? [
          `<p style="margin:0 0 16px"><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:10px 16px;border-radius:6px;background:#1f6feb;color:#ffffff;text-decoration:none;font-weight:600">${escapeHtml(action.label)}</a></p>`,
          `<p style="margin:0 0 16px;font-size:13px;color:#59636e">Or paste this address into your browser: <span style="word-break:break-all">${escapeHtml(action.url)}</span></p>`,
        ]
      : []),
    ...(input.footer ? [`<p style="margin:24px 0 0;font-size:13px;color:#59636e">${escapeHtml(input.footer)}</p>`] : []),
    "</div></body></html>",
  ].join("\n");
  return { to: input.to, subject, text, html };
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/** Only http(s) links go into a message: a `javascript:` or `data:` URL is a bug, not a link. */
function checkedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new Error(`an e-mail action must link to an http(s) URL, not ${parsed.protocol}`);
  return parsed.toString();
}
