/** composeMail: both parts carry the words and the link, values cannot add markup, no tracking. */
import { describe, expect, it } from "vitest";
import { composeMail, escapeHtml } from "./compose.ts";

const link = "https://site.test/verify-email?token=abc_DEF-123&x=1";

describe("composeMail", () => {
  it("puts the paragraphs, the action's link and the product's name in the text and the HTML", () => {
    const mail = composeMail({
      to: "pat@example.com",
      subject: "Verify your e-mail address",
      paragraphs: ["Welcome to xR2.", "Confirm this address to finish signing up."],
      action: { label: "Verify e-mail address", url: link },
      footer: "If you did not sign up, ignore this e-mail.",
    });
    expect(mail.to).toBe("pat@example.com");
    expect(mail.subject).toBe("Verify your e-mail address");
    expect(mail.text).toBe(
      ["Welcome to xR2.", "Confirm this address to finish signing up.", `Verify e-mail address:\n${link}`, "If you did not sign up, ignore this e-mail.", "— xR2"].join("\n\n"),
    );
    for (const words of ["Welcome to xR2.", "Confirm this address to finish signing up.", "Verify e-mail address", "If you did not sign up, ignore this e-mail.", ">xR2<"]) {
      expect(mail.html).toContain(words);
    }
    // The link itself, escaped for the attribute and shown for copying; no redirector in between.
    expect(mail.html).toContain(`href="${escapeHtml(link)}"`);
    expect(mail.html.split(escapeHtml(link))).toHaveLength(3);
    expect(mail.html).not.toMatch(/<img|<script|<iframe|<form|@import|url\(/i);
  });

  it("escapes every value in the HTML, and keeps the text as typed", () => {
    const hostile = `Team <script>alert("x")</script> & 'friends'`;
    const mail = composeMail({
      to: "pat@example.com",
      subject: `Join ${hostile}`,
      paragraphs: [`Alex invited you to ${hostile}.`],
      action: { label: `Open ${hostile}`, url: `https://site.test/invitations/tok?name="><img src=x onerror=alert(1)>` },
      footer: hostile,
    });
    // Only the template's own elements, and one link: nothing the values brought in.
    expect(new Set(mail.html.match(/<[a-z]+/gi))).toEqual(new Set(["<html", "<head", "<meta", "<title", "<body", "<div", "<p", "<a", "<span"]));
    expect(mail.html.match(/<a /g)).toHaveLength(1);
    expect(mail.html).toContain("Team &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;friends&#39;");
    expect(mail.html).toContain("<title>Join Team &lt;script&gt;");
    expect(mail.text).toContain(`Alex invited you to ${hostile}.`);
    // The URL is carried percent-encoded (as URL parsing leaves it), in both parts alike.
    const url = new URL(`https://site.test/invitations/tok?name="><img src=x onerror=alert(1)>`).toString();
    expect(mail.text).toContain(url);
    expect(mail.html).toContain(`href="${escapeHtml(url)}"`);
  });

  it("keeps the subject on one line", () => {
    expect(composeMail({ to: "a@example.com", subject: "Reset\r\nBcc: someone@example.com", paragraphs: ["x"] }).subject).toBe("Reset Bcc: someone@example.com");
  });

  it("works without an action or a footer", () => {
    const mail = composeMail({ to: "a@example.com", subject: "Your password was changed", paragraphs: ["Your xR2 password was changed."] });
    expect(mail.text).toBe("Your xR2 password was changed.\n\n— xR2");
    expect(mail.html).not.toContain("<a ");
  });

  it.each(["javascript:alert(1)", "data:text/html,hi", "not a url"])("refuses an action linking to %s", (url) => {
    expect(() => composeMail({ to: "a@example.com", subject: "s", paragraphs: ["x"], action: { label: "Go", url } })).toThrow();
  });
});
