import { describe, expect, it } from "vitest";
import { WEBHOOK_EVENT_TYPES, WEBHOOK_PAYLOAD_EXAMPLES, type WebhookEventType } from "@xr2/shared";
import { escapeSlack, slackMessage } from "./slack-message.ts";

const SITE = "https://app.xr2.example";
const TIMESTAMP = "2026-12-07T09:30:00.000Z";

function message(type: WebhookEventType, data: Record<string, unknown> = WEBHOOK_PAYLOAD_EXAMPLES[type]) {
  const built = slackMessage({ type, timestamp: TIMESTAMP, data }, SITE);
  const blocks = built.blocks as Array<{ type: string; text?: { type: string; text: string }; elements?: Array<{ type: string; text: string }> }>;
  return { ...built, section: blocks[0]!.text!.text, context: blocks[1]?.elements?.[0]?.text ?? "" };
}

describe("slackMessage", () => {
  it("says what changed, where, and links the site's page, for each event type", () => {
    const expected: Record<WebhookEventType, string[]> = {
      "prompt.created": ["New prompt", "Welcome message", "`welcome-message`", "created"],
      "version.created": ["New draft *v3*", "Welcome message", "> Shorter greeting"],
      "version.published": ["*v3*", "is live in *production*", "Replaces v2"],
      "version.rolled_back": ["rolled back to *v2* in *production*", "Was v3"],
      "approval.requested": ["Approval requested", "*v3*", "*production*", "> Ready for the launch"],
      "approval.decided": ["Approved", "goes live in *production*", "Requested by sam@example.com"],
      "experiment.started": ["Experiment", "Shorter greeting", "started on *Welcome message* in *production*", "control: v2 (weight 50) · variant_1: v3 (weight 50)"],
      "experiment.stopped": ["Experiment", "stopped on *Welcome message* in *production*"],
      "experiment.srm_detected": ["Sample-ratio mismatch", "p = 0.00040", "control 5210 (weight 50) · variant_1 4790 (weight 50)"],
      "alert.fired": ["Alert", "Checkout errors", "fired on *Welcome message* in *production*", "error_rate: 0.083 (threshold 0.05, 15-minute window)"],
      "alert.resolved": ["resolved on *Welcome message*", "error_rate: 0.012"],
      "api_key.created": ["API key", "Checkout app", "`xr2_live_Ab3…`", "created", "Scopes: prompts:read, events:write · every environment"],
      "api_key.revoked": ["API key", "Checkout app", "revoked"],
    };
    for (const type of WEBHOOK_EVENT_TYPES) {
      const built = message(type);
      for (const part of expected[type]) expect(built.section, `${type}: ${part}`).toContain(part);
      expect(built.section, type).toContain(`<${WEBHOOK_PAYLOAD_EXAMPLES[type].url}|`);
      // The notification text is the headline: the section's first line.
      expect(built.text, type).toBe(built.section.split("\n")[0]);
      expect(built.blocks.map((block) => (block as { type: string }).type), type).toEqual(["section", "context"]);
    }
  });

  it("names who acted, or xR2, the event type and the time in the context line", () => {
    expect(message("version.published").context).toBe(`by pat@example.com · \`version.published\` · <!date^1796635800^{date_short_pretty} {time}|${TIMESTAMP}>`);
    expect(message("alert.fired").context).toMatch(/^by xR2 · `alert.fired`/);
  });

  it("says a rule on the whole workspace and every environment fired there, without a prompt or a blank environment", () => {
    const everywhere = message("alert.fired", { ...WEBHOOK_PAYLOAD_EXAMPLES["alert.fired"], prompt: null, environment: null });
    expect(everywhere.text).toContain("fired in every environment");
    expect(everywhere.text).not.toContain(" on ");
  });

  it("tells a rejection from an approval, and a prompt that arrived by import from one created by hand", () => {
    const rejected = message("approval.decided", { ...WEBHOOK_PAYLOAD_EXAMPLES["approval.decided"], approval: { id: "apr_1", status: "rejected", note: "Not before Monday" }, requested_by: null });
    expect(rejected.section).toContain("Rejected: *v3* of *Welcome message* will not go to *production*");
    expect(rejected.section).toContain("Requested by a former member");
    expect(rejected.section).toContain("> Not before Monday");
    const imported = message("prompt.created", { ...WEBHOOK_PAYLOAD_EXAMPLES["prompt.created"], origin: "imported", versions: [{ id: "pv_1", number: 1 }, { id: "pv_2", number: 2 }] });
    expect(imported.section).toContain("imported");
    expect(imported.section).toContain("With 2 draft versions");
  });

  it("escapes &, < and > in what users typed, so a name cannot ping a channel or forge a link", () => {
    expect(escapeSlack("a & <b> <!channel>")).toBe("a &amp; &lt;b&gt; &lt;!channel&gt;");
    const hostile = { ...WEBHOOK_PAYLOAD_EXAMPLES["version.created"], prompt: { id: "pr_1", slug: "x", name: "<!channel> & <https://evil.example|click>" }, version: { id: "pv_1", number: 4, changelog: "<@U123> look" } };
    const built = message("version.created", hostile);
    expect(built.section).toContain("&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;");
    expect(built.section).toContain("&lt;@U123&gt; look");
    expect(built.section).not.toContain("<!channel>");
    expect(built.section).not.toContain("<@U123>");
    expect(built.section).not.toContain("<https://evil");
  });

  it("builds the link on the site's origin when the payload has none, and leaves it out when there is no site either", () => {
    const withoutUrl = { ...WEBHOOK_PAYLOAD_EXAMPLES["experiment.stopped"], url: null };
    expect(message("experiment.stopped", withoutUrl).section).toContain(`<${SITE}/experiments/${WEBHOOK_PAYLOAD_EXAMPLES["experiment.stopped"].experiment.id}|Shorter greeting>`);
    const noSite = slackMessage({ type: "experiment.stopped", timestamp: TIMESTAMP, data: withoutUrl }, "");
    expect(JSON.stringify(noSite.blocks)).not.toContain("<http");
    expect(JSON.stringify(noSite.blocks)).toContain("*Shorter greeting*");
  });

  it("keeps a section within Slack's 3,000 characters when names and notes are at their limits", () => {
    const long = { ...WEBHOOK_PAYLOAD_EXAMPLES["approval.requested"], prompt: { id: "pr_1", slug: "x", name: "&".repeat(256) }, approval: { id: "apr_1", status: "pending", comment: "<".repeat(2_000) } };
    const built = message("approval.requested", long);
    expect(built.section.length).toBeLessThanOrEqual(3_000);
    expect(built.section).toContain("Approval requested");
  });

  it("still says which event it is when the payload does not match its type's schema", () => {
    const built = message("version.published", { prompt: "not an object" });
    expect(built.text).toBe(`xR2 event \`version.published\` · <${SITE}/|Open xR2>`);
    expect(built.blocks).toHaveLength(1);
  });
});
