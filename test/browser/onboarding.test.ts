// A new PM's first minute in the site: sign up, create a workspace, sign out, sign back in and
// find the workspace again; the sign-in page passes axe in light, dark and at 375 px.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureViews, HAS_CHROMIUM, openPage, type WatchedPage } from "./support/browser.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

// Without Debian's Chromium there is no browser to drive (apt-get install -y chromium).
describe.skipIf(!HAS_CHROMIUM)("onboarding in the browser", () => {
  let harness: SiteHarness;
  let watched: WatchedPage;
  const email = `pm-${Date.now()}@example.com`;
  const password = "correct horse battery staple";

  beforeAll(async () => {
    harness = await startSiteHarness();
    watched = await openPage(harness.browser);
  });
  afterAll(async () => {
    await watched?.context.close();
    await harness?.stop();
  });

  it("signs up, creates a workspace, signs out and back in", async () => {
    const { page } = watched;
    await page.goto(`${harness.site}/prompts`);
    await page.waitForURL(/\/sign-in\?next=%2Fprompts/);
    expect(await captureViews(page, "sign-in", (current) => current.getByRole("heading", { name: "Sign in" }).waitFor())).toEqual([]);

    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Name").fill("Pat Manager");
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();

    await page.getByRole("heading", { name: "New workspace" }).waitFor();
    await page.getByLabel("Workspace name").fill("Checkout team");
    await page.getByRole("button", { name: "Create workspace" }).click();
    await page.waitForURL(/\/prompts$/);
    await expect.poll(() => page.getByLabel("Workspace").inputValue()).toMatch(/^ws_/);
    expect(await page.getByLabel("Workspace").locator("option:checked").textContent()).toBe("Checkout team");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill("a wrong password!");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/password|credentials|invalid/i);

    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/prompts$/);
    expect(await page.getByLabel("Workspace").locator("option:checked").textContent()).toBe("Checkout team");

    // A reload keeps the session (the refresh token is rotated, the workspace remembered).
    await page.reload();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    expect(await page.getByLabel("Workspace").locator("option:checked").textContent()).toBe("Checkout team");
  });

  it("logged no browser error on the way", () => {
    // A failed sign-in answers 401, which Chromium logs as a failed resource load: that one is expected.
    expect(watched.errors.filter((line) => !/401 \(Unauthorized\)/.test(line))).toEqual([]);
  });
});
