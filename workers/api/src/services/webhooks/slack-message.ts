/**
 * A webhook event as a Slack incoming-webhook message (Block Kit): a section saying what changed,
 * where, linked to the site's page, and a context line saying who did it and which event it is.
 * `text` carries the same sentence for notifications and clients without blocks.
 *
 * Everything a user typed (names, slugs, comments) is escaped as Slack requires (&, <, >), so a
 * prompt named "<!channel>" cannot ping a channel or forge a link. A payload that does not match
 * its type's schema (one written by an older release) still gives a message, a plain one.
 */
import { WEBHOOK_PAYLOAD_SCHEMAS, webhookEventPath, type WebhookEventType, type WebhookPayload } from "@xr2/shared";

export interface SlackEvent {
  /** An event type, or another (the endpoint's test ping), which gets a plain message. */
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export interface SlackMessage {
  text: string;
  blocks: unknown[];
}

/** Slack's limit on a section's text. */
const SECTION_CHARS = 3_000;
/** Comments and changelogs are quoted up to this many characters: a message is a notice, not the text. */
const QUOTE_CHARS = 500;

export function slackMessage(event: SlackEvent, siteUrl: string | undefined): SlackMessage {
  if (!isEventType(event.type)) return plainMessage(event, siteUrl);
  const type = event.type;
  const parsed = WEBHOOK_PAYLOAD_SCHEMAS[type].safeParse(event.data);
  if (!parsed.success) return plainMessage(event, siteUrl);
  const data = parsed.data as WebhookPayload<typeof type>;
  const link = data.url ?? siteLink(siteUrl, webhookEventPath(type, data));
  const { headline, details } = (FORMATTERS[type] as Formatter<typeof type>)(data, link);
  const context = [data.actor ? `by ${escapeSlack(data.actor.email)}` : "by xR2", `\`${event.type}\``, ...slackDate(event.timestamp)];
  return {
    text: headline,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: fitSection(headline, details) } },
      { type: "context", elements: [{ type: "mrkdwn", text: context.join(" · ") }] },
    ],
  };
}

/** Slack's three control characters in text, as its formatting guide asks. */
export function escapeSlack(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

type Formatter<T extends WebhookEventType> = (data: WebhookPayload<T>, link: string | null) => { headline: string; details: string[] };

/** `<url|label>`, or the label alone without a link. A `|` or `>` in the URL would end the link early. */
function linked(label: string, url: string | null): string {
  return url === null ? `*${escapeSlack(label)}*` : `*<${url.replaceAll("|", "%7C").replaceAll(">", "%3E").replaceAll("<", "%3C")}|${escapeSlack(label)}>*`;
}

const bold = (text: string) => `*${escapeSlack(text)}*`;
const quote = (text: string | null) => (text ? [`> ${escapeSlack(text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}…` : text).replaceAll("\n", "\n> ")}`] : []);
const person = (actor: { email: string } | null) => (actor ? escapeSlack(actor.email) : "a former member");

const ORIGIN_VERBS = { created: "created", imported: "imported", copied: "copied into this workspace", moved: "moved into this workspace" } as const;

const FORMATTERS: { [T in WebhookEventType]: Formatter<T> } = {
  "prompt.created": (data, link) => ({
    headline: `New prompt ${linked(data.prompt.name, link)} (\`${escapeSlack(data.prompt.slug)}\`) ${ORIGIN_VERBS[data.origin]}`,
    details: data.versions.length > 0 ? [`With ${data.versions.length} draft version${data.versions.length === 1 ? "" : "s"}`] : [],
  }),
  "version.created": (data, link) => ({
    headline: `New draft ${bold(`v${data.version.number}`)} of ${linked(data.prompt.name, link)}${data.origin === "imported" ? " (imported)" : ""}`,
    details: quote(data.version.changelog),
  }),
  "version.published": (data, link) => ({
    headline: `${bold(`v${data.version.number}`)} of ${linked(data.prompt.name, link)} is live in ${bold(data.environment)}`,
    details: [data.previous_version ? `Replaces v${data.previous_version.number}` : "First version published there", ...(data.approval_id ? ["Approved by an Admin"] : [])],
  }),
  "version.rolled_back": (data, link) => ({
    headline: `${linked(data.prompt.name, link)} rolled back to ${bold(`v${data.version.number}`)} in ${bold(data.environment)}`,
    details: data.previous_version ? [`Was v${data.previous_version.number}`] : [],
  }),
  "approval.requested": (data, link) => ({
    headline: `Approval requested: publish ${bold(`v${data.version.number}`)} of ${bold(data.prompt.name)} to ${bold(data.environment)}`,
    details: [...quote(data.approval.comment), linked("Review it", link)],
  }),
  "approval.decided": (data, link) => ({
    headline:
      data.approval.status === "approved"
        ? `Approved: ${bold(`v${data.version.number}`)} of ${bold(data.prompt.name)} goes live in ${bold(data.environment)}`
        : `Rejected: ${bold(`v${data.version.number}`)} of ${bold(data.prompt.name)} will not go to ${bold(data.environment)}`,
    details: [`Requested by ${person(data.requested_by)}`, ...quote(data.approval.note), linked("Approvals", link)],
  }),
  "experiment.started": (data, link) => ({
    headline: `Experiment ${linked(data.experiment.name, link)} started on ${bold(data.prompt.name)} in ${bold(data.environment)}`,
    details: [data.variants.map((variant) => `${escapeSlack(variant.key)}: v${variant.version.number} (weight ${variant.weight})`).join(" · ")],
  }),
  "experiment.stopped": (data, link) => ({
    headline: `Experiment ${linked(data.experiment.name, link)} stopped on ${bold(data.prompt.name)} in ${bold(data.environment)}`,
    details: ["Everyone gets the published version again; the results stay readable"],
  }),
  "experiment.srm_detected": (data, link) => ({
    headline: `:warning: Sample-ratio mismatch in experiment ${linked(data.experiment.name, link)} on ${bold(data.prompt.name)} (${escapeSlack(data.environment)})`,
    details: [`p = ${data.p_value.toPrecision(2)}; units per variant: ${data.variants.map((variant) => `${escapeSlack(variant.key)} ${variant.units} (weight ${variant.weight})`).join(" · ")}`],
  }),
  "alert.fired": (data, link) => ({
    headline: `:rotating_light: Alert ${linked(data.alert.name, link)} fired${alertScope(data)}`,
    details: [alertMeasure(data.alert)],
  }),
  "alert.resolved": (data, link) => ({
    headline: `:white_check_mark: Alert ${linked(data.alert.name, link)} resolved${alertScope(data)}`,
    details: [alertMeasure(data.alert)],
  }),
  "api_key.created": (data, link) => ({
    headline: `API key ${linked(data.api_key.name, link)} (\`${escapeSlack(data.api_key.prefix)}…\`) created`,
    details: [`Scopes: ${data.api_key.scopes.map(escapeSlack).join(", ")} · ${data.api_key.environment ? `only ${escapeSlack(data.api_key.environment)}` : "every environment"}${data.api_key.expires_at ? ` · expires ${escapeSlack(data.api_key.expires_at)}` : ""}`],
  }),
  "api_key.revoked": (data, link) => ({
    headline: `API key ${linked(data.api_key.name, link)} (\`${escapeSlack(data.api_key.prefix)}…\`) revoked`,
    details: ["Apps using it are refused from now on"],
  }),
};

/** " on *Prompt* in *production*"; a rule on every environment says so. */
function alertScope(data: WebhookPayload<"alert.fired">): string {
  return `${data.prompt ? ` on ${bold(data.prompt.name)}` : ""} in ${data.environment === null ? "every environment" : bold(data.environment)}`;
}

function alertMeasure(alert: WebhookPayload<"alert.fired">["alert"]): string {
  const value = alert.value === null ? "no value" : String(alert.value);
  return `${escapeSlack(alert.metric)}: ${escapeSlack(value)} (threshold ${alert.threshold}, ${alert.window_minutes}-minute window)`;
}

function isEventType(type: string): type is WebhookEventType {
  return Object.hasOwn(WEBHOOK_PAYLOAD_SCHEMAS, type);
}

function siteLink(siteUrl: string | undefined, path: string): string | null {
  if (siteUrl === undefined) return null;
  try {
    return new URL(path, new URL(siteUrl).origin).toString();
  } catch {
    return null;
  }
}

/** The time in the reader's own time zone (Slack's date token), with the ISO text as its fallback. */
function slackDate(timestamp: string): string[] {
  const milliseconds = Date.parse(timestamp);
  return Number.isNaN(milliseconds) ? [] : [`<!date^${Math.floor(milliseconds / 1000)}^{date_short_pretty} {time}|${escapeSlack(timestamp)}>`];
}

/**
 * Slack refuses a section over 3,000 characters: detail lines go first, from the last, and only a
 * headline still too long (names at their limits, escaped) is cut.
 */
function fitSection(headline: string, details: string[]): string {
  const lines = [headline, ...details];
  while (lines.length > 1 && lines.join("\n").length > SECTION_CHARS) lines.pop();
  const text = lines.join("\n");
  return text.length > SECTION_CHARS ? `${text.slice(0, SECTION_CHARS - 1)}…` : text;
}

/** A payload that does not match its schema: say which event it is, and link the site. */
function plainMessage(event: SlackEvent, siteUrl: string | undefined): SlackMessage {
  const link = siteLink(siteUrl, "/");
  const text = `xR2 event \`${event.type}\`${link ? ` · <${link}|Open xR2>` : ""}`;
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}
