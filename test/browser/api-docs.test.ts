// The API reference (/api/docs on the API worker) still works under its hash-based CSP: it loads
// the OpenAPI document, lists the operations and sends a request, with no error in the browser.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAS_CHROMIUM, openPage } from "./support/browser.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

describe.skipIf(!HAS_CHROMIUM)("the API reference in the browser", () => {
  let harness: SiteHarness;

  beforeAll(async () => {
    harness = await startSiteHarness();
  }, 120_000);
  afterAll(async () => {
    await harness?.stop();
  });

  it("renders the operations and sends a request under its Content-Security-Policy", async () => {
    const { page, context, errors } = await openPage(harness.browser);
    try {
      const response = await page.goto(`${harness.stack.urls.api}/api/docs`);
      expect(response?.headers()["content-security-policy"]).toMatch(/^default-src 'none'; script-src 'sha256-/);
      const me = page.locator("details", { hasText: "/api/auth/me" }).first();
      await me.waitFor();
      await me.locator("summary").click();
      await me.getByRole("button", { name: "Send" }).click();
      // Without a token the API answers 401: the script ran and its fetch went through connect-src 'self'.
      await expect.poll(() => me.locator("pre").last().textContent()).toMatch(/^401 /);
      expect(errors.filter((line) => !/401 \(Unauthorized\)/.test(line))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
