// A new PM's first minute in the site: sign up, create a workspace, sign out, sign back in and
// find the workspace again; the sign-in page passes axe in light, dark and at 375 px.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Request } from "playwright-core";
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

  it("several tabs restoring at once stay signed in: they refresh one at a time, and the session survives", async () => {
    // A browser restoring its session: tabs of one profile share the refresh token in localStorage.
    let inFlight = 0;
    let mostAtOnce = 0;
    let refreshes = 0;
    const isRefresh = (request: Request) => request.url().endsWith("/api/auth/refresh");
    const started = (request: Request) => {
      if (!isRefresh(request)) return;
      refreshes++;
      mostAtOnce = Math.max(mostAtOnce, ++inFlight);
    };
    const ended = (request: Request) => {
      if (isRefresh(request)) inFlight--;
    };
    watched.context.on("request", started);
    watched.context.on("requestfinished", ended);
    watched.context.on("requestfailed", ended);
    const tabs = await Promise.all([0, 1, 2].map(() => watched.context.newPage()));
    try {
      await Promise.all(tabs.map((tab) => tab.goto(`${harness.site}/prompts`)));
      for (const tab of tabs) await tab.getByRole("button", { name: "Sign out" }).waitFor();
      expect(refreshes).toBe(tabs.length);
      // The xr2-refresh lock: each tab reads the stored token only once the previous one is done.
      expect(mostAtOnce).toBe(1);
      // The session survived: the first page still refreshes into it.
      await watched.page.reload();
      await watched.page.getByRole("button", { name: "Sign out" }).waitFor();
      expect(await watched.page.getByLabel("Workspace").locator("option:checked").textContent()).toBe("Checkout team");
    } finally {
      watched.context.off("request", started);
      watched.context.off("requestfinished", ended);
      watched.context.off("requestfailed", ended);
      await Promise.all(tabs.map((tab) => tab.close()));
    }
  });

  it("serves its pages with a nonce-based Content-Security-Policy, and refuses to be framed", async () => {
    const response = await fetch(`${harness.site}/sign-in`);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
    expect(csp).toMatch(/(^|; )object-src 'none'(;|$)/);
    const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'(;|$)/.exec(csp)?.[1];
    expect(nonce, csp).toBeDefined();
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    // Every inline script of the document carries this document's nonce; a second document draws another.
    const html = await response.text();
    const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)([^>]*)>/g)].map((match) => match[1]!);
    expect(inline.length).toBeGreaterThan(0);
    for (const attributes of inline) expect(attributes).toContain(`nonce="${nonce}"`);
    expect((await fetch(`${harness.site}/sign-in`)).headers.get("content-security-policy")).not.toContain(nonce!);

    // The policy is in force: a script injected without the nonce does not run.
    const other = await openPage(harness.browser);
    try {
      await other.page.goto(`${harness.site}/sign-in`);
      await other.page.getByRole("heading", { name: "Sign in" }).waitFor();
      await other.page.addScriptTag({ content: "globalThis.injected = true" }).catch(() => undefined);
      expect(await other.page.evaluate(() => (globalThis as unknown as { injected?: boolean }).injected)).toBeUndefined();
      expect(other.errors.join("\n")).toMatch(/Content Security Policy/);
    } finally {
      await other.context.close();
    }
  });

  it("logged no browser error on the way", () => {
    // A failed sign-in answers 401, which Chromium logs as a failed resource load: that one is expected.
    expect(watched.errors.filter((line) => !/401 \(Unauthorized\)/.test(line))).toEqual([]);
  });
});
