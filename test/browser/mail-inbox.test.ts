/**
 * The local mail inbox as a person reads it in Chromium: the list, a message's text with a live
 * link, and its HTML rendered in the sandboxed frame — where the message's own script does not
 * run — under the inbox's strict CSP. Only the inbox runs here, no stack.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailInbox, type MailInbox } from "../../local/mail/index.ts";
import { HAS_CHROMIUM, launchBrowser, openPage, seriousAccessibilityViolations } from "./support/browser.ts";

const API_KEY = "re_browser_inbox";

describe.skipIf(!HAS_CHROMIUM)("the local mail inbox in the browser", () => {
  let inbox: MailInbox;
  let browser: Browser;

  beforeAll(async () => {
    inbox = await startMailInbox({ apiKey: API_KEY });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await inbox?.close();
  });

  it("lists a message, shows its text with the link, and renders its HTML without running its script", async () => {
    const sent = await fetch(`${inbox.url}/emails`, {
      method: "POST",
      headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        from: "xR2 <no-reply@xr2.localhost>",
        to: "pat@example.com",
        subject: "Verify your e-mail address",
        text: "Confirm your address:\nhttps://site.test/verify-email?token=abc",
        html: '<p id="greeting">Confirm your address</p><a href="https://site.test/verify-email?token=abc">Verify</a><script>document.getElementById("greeting").textContent = "script ran"</script>',
      }),
    });
    expect(sent.status).toBe(200);
    const { id } = (await sent.json()) as { id: string };

    const { page, context } = await openPage(browser);
    try {
      await page.goto(inbox.url);
      await page.getByRole("link", { name: "Verify your e-mail address" }).click();
      await page.waitForURL(`${inbox.url}/messages/${id}`);
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Verify your e-mail address");
      expect(await page.getByRole("link", { name: "https://site.test/verify-email?token=abc" }).getAttribute("href")).toBe("https://site.test/verify-email?token=abc");

      const frame = page.frameLocator('iframe[title="HTML version"]');
      await expect.poll(() => frame.locator("#greeting").textContent()).toBe("Confirm your address");
      // The sandbox (no allow-scripts) and the CSP the frame inherits kept the message's script from running.
      expect(await frame.locator("#greeting").textContent()).toBe("Confirm your address");
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
