/**
 * The inbox's pages for people: a list of messages, newest first, and one message with its plain
 * text (links clickable) and its HTML shown in a sandboxed iframe — no scripts, no same-origin
 * access, links open in a new tab — so a message's markup cannot touch the inbox page.
 */
import type { StoredMessage } from "./store.ts";

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);

/** Served with every page: nothing loads but the page's own inline styles (and data: images in messages). */
export const PAGE_SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1f2328}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #d1d9e0;vertical-align:top}
th{font-weight:600}.muted{color:#59636e;font-size:.9em}pre{white-space:pre-wrap;background:#f6f8fa;padding:1rem;border-radius:6px}
iframe{width:100%;height:32rem;border:1px solid #d1d9e0;border-radius:6px}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function inboxPage(messages: StoredMessage[], limit: number): string {
  const rows = messages
    .map(
      (message) =>
        `<tr><td class="muted">${escapeHtml(message.created_at.replace("T", " ").slice(0, 19))}</td><td>${escapeHtml(message.to.join(", "))}</td><td><a href="/messages/${encodeURIComponent(message.id)}">${escapeHtml(message.subject)}</a></td><td class="muted">${escapeHtml(message.from)}</td></tr>`,
    )
    .join("");
  const list = messages.length === 0 ? "<p>No messages yet. E-mails the workers send appear here.</p>" : `<table><thead><tr><th>Received (UTC)</th><th>To</th><th>Subject</th><th>From</th></tr></thead><tbody>${rows}</tbody></table>`;
  return page(
    "Local inbox",
    `<h1>Local inbox</h1><p class="muted">Every e-mail the local xR2 sends lands here instead of being delivered (the newest ${limit} are kept, in memory). JSON: <a href="/api/messages">/api/messages</a>.</p>
<form method="post" action="/clear"><button type="submit">Delete all messages</button></form>${list}`,
  );
}

export function messagePage(message: StoredMessage): string {
  const header = (name: string, values: string[]) => (values.length > 0 ? `<dt>${name}</dt><dd>${escapeHtml(values.join(", "))}</dd>` : "");
  const html = message.html === null ? "<p class=\"muted\">(no HTML part)</p>" : `<iframe title="HTML version" sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="${escapeHtml(`<base target="_blank">${message.html}`)}"></iframe>`;
  return page(
    message.subject,
    `<p><a href="/">← Inbox</a></p><h1>${escapeHtml(message.subject)}</h1>
<dl>${header("From", [message.from])}${header("To", message.to)}${header("Cc", message.cc)}${header("Reply-To", message.reply_to)}${header("Received", [message.created_at])}</dl>
<h2>Text</h2>${message.text === null ? '<p class="muted">(no plain-text part)</p>' : `<pre>${linkified(message.text)}</pre>`}
<h2>HTML</h2>${html}`,
  );
}

export function notFoundPage(): string {
  return page("Not found", '<p><a href="/">← Inbox</a></p><h1>No such message</h1><p>It may have been deleted, or dropped as the inbox keeps only the newest messages.</p>');
}

/** The text escaped, its http(s) URLs made links. */
function linkified(text: string): string {
  return text
    .split(/(https?:\/\/[^\s<>"']+)/g)
    .map((part, index) => (index % 2 === 1 ? `<a href="${escapeHtml(part)}" rel="noreferrer">${escapeHtml(part)}</a>` : escapeHtml(part)))
    .join("");
}
