// Access tokens in the browser (issue #16): an Admin opens Settings → Access tokens, creates a
// read-only token, copies it from the dialog that shows it once, and the API accepts it; a call
// beyond its scope answers 403; revoking it in the page makes its next call 401. The page passes axe in light, dark and at 375 px, with no
// browser error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureViews, HAS_CHROMIUM, openDialog as dialog, openPage, poll, toasts as toast, type WatchedPage } from "./support/browser.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

describe.skipIf(!HAS_CHROMIUM)("access tokens in the browser", () => {
  let harness: SiteHarness;
  let watched: WatchedPage;
  const email = `tokens-${Date.now()}@example.com`;
  const password = "correct horse battery staple";

  beforeAll(async () => {
    harness = await startSiteHarness();
    await harness.signUp({ email, password, name: "Tess Tokens" }, "Tokens team");
    watched = await openPage(harness.browser);
  }, 180_000);
  afterAll(async () => {
    await watched?.context.close();
    await harness?.stop();
  });

  it("creates a read-only token shown once, which the API accepts within its scope, and revokes it", async () => {
    const { page } = watched;
    await page.goto(`${harness.site}/settings/access-tokens`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/settings\/access-tokens$/);
    await page.getByRole("button", { name: "Create access token" }).first().click();
    await dialog(page).getByLabel("Name").fill("GitHub Actions");
    expect(await captureViews(page, "access-token-create", async (current) => void (await current.getByLabel("Name").waitFor()))).toEqual([]);
    await dialog(page).getByRole("button", { name: "Create token" }).click();
    const shown = dialog(page).getByTestId("new-access-token");
    await shown.waitFor();
    const token = (await shown.textContent())!.trim();
    expect(token).toMatch(/^xr2_at_[A-Za-z0-9_-]{43}$/);
    await dialog(page).getByRole("button", { name: "I have copied the token" }).click();
    const tokenRow = page.locator("tbody tr").filter({ hasText: "GitHub Actions" });
    await poll(() => tokenRow.textContent()).toContain("prompts:read");
    expect(await tokenRow.textContent()).not.toContain(token.slice(12));

    expect((await harness.api("GET", "/api/prompts", { token })).status).toBe(200);
    expect((await harness.api("POST", "/api/prompts", { token, body: { slug: "nope", name: "Nope" } })).status).toBe(403);
    expect(await captureViews(page, "access-tokens", async (current) => void (await current.getByRole("heading", { name: "Access tokens" }).waitFor()))).toEqual([]);

    await tokenRow.getByRole("button", { name: "Revoke GitHub Actions" }).click();
    await dialog(page).getByRole("button", { name: "Revoke token" }).click();
    await poll(() => toast(page).last().textContent()).toBe("“GitHub Actions” was revoked");
    expect((await harness.api("GET", "/api/prompts", { token })).status).toBe(401);
  });

  it("logged no browser error on the way", () => {
    expect(watched.errors).toEqual([]);
  });
});
