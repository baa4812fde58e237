// Alerts in the browser (issue #18): a Member-or-above opens Alerts from the navigation, creates
// an error-rate rule on a prompt in production, sees it listed with its scope, threshold, window
// and state "OK" (nothing judged yet), the API holds it as created, its history is empty, and
// the page passes the accessibility check the other pages do, with no browser error. A Viewer
// sees the same rule with its history button only.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HAS_CHROMIUM, openDialog as dialog, openPage, poll, screenshot, seriousAccessibilityViolations, toasts, type WatchedPage } from "./support/browser.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";
import { verifyAddressThroughInbox } from "../support/verify-address.ts";

describe.skipIf(!HAS_CHROMIUM)("alerts in the browser", () => {
  let harness: SiteHarness;
  let watched: WatchedPage;
  const email = `alerts-${Date.now()}@example.com`;
  const password = "correct horse battery staple";
  let token = "";
  let workspaceId = "";

  beforeAll(async () => {
    harness = await startSiteHarness();
    ({ token, workspaceId } = await harness.signUp({ email, password, name: "Oli On-call" }, "On-call team"));
    const prompt = await harness.api("POST", "/api/prompts", { token, workspaceId, body: { slug: "checkout-help", name: "Checkout help" } });
    expect(prompt.status, JSON.stringify(prompt.body)).toBe(201);
    watched = await openPage(harness.browser);
  }, 180_000);
  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(async () => {
      await screenshot(watched.page, `failed-alerts-${task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(() => {});
    });
  });
  afterAll(async () => {
    await watched?.context.close();
    await harness?.stop();
  });

  it("creates an error-rate rule and lists it with state OK", async () => {
    const { page } = watched;
    await page.goto(`${harness.site}/prompts`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/prompts$/);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts" }).click();
    await page.waitForURL(/\/alerts$/);
    // The first visit compiles the page under Vite's dev server: slow on a busy machine.
    await page.getByRole("heading", { name: "Alerts", level: 1 }).waitFor({ timeout: 120_000 });
    await page.getByText("No alert rules yet").waitFor();

    await page.getByRole("button", { name: "New rule" }).first().click();
    const form = dialog(page);
    await form.getByLabel("Name").fill("Checkout errors");
    await form.getByLabel("Metric").selectOption("error_rate");
    await poll(() => form.getByLabel("Scope").locator("option").allTextContents()).toContain("Checkout help");
    await form.getByLabel("Scope").selectOption({ label: "Checkout help" });
    await form.getByLabel("Environment").selectOption("production");
    await form.getByLabel("Threshold").fill("0.05");
    await form.getByLabel("Window (hours)").fill("2");
    await form.getByRole("button", { name: "Create rule" }).click();
    await poll(() => toasts(page).last().textContent()).toBe("“Checkout errors” created");

    const row = page.locator("tbody tr").filter({ hasText: "Checkout errors" });
    await poll(() => row.locator("td").allTextContents()).toEqual(["Checkout errors", "Error rate", "Checkout help", "production", "Above 0.05", "2 h", "OK", expect.stringContaining("History")]);
    const listed = await harness.api("GET", "/api/alerts", { token, workspaceId });
    expect(listed.body.alerts).toMatchObject([{ name: "Checkout errors", metric: "error_rate", environment: "production", threshold: 0.05, window_minutes: 120, state: "ok" }]);
    await page.getByText("No notifications").waitFor();

    await row.getByRole("button", { name: "History of Checkout errors" }).click();
    await dialog(page).getByText("Never fired").waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await dialog(page).getByRole("button", { name: "Close" }).click();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  }, 240_000);

  it("shows a Viewer the rules and their history, without New, Edit or Delete", async () => {
    const viewerEmail = `viewer-${Date.now()}@example.com`;
    const { api } = harness;
    await verifyAddressThroughInbox(api, harness.stack.urls.mail!, email);
    const registered = await api("POST", "/api/auth/register", { body: { email: viewerEmail, password, name: "Vic Viewer" } });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    await verifyAddressThroughInbox(api, harness.stack.urls.mail!, viewerEmail);
    const invite = await api("POST", `/api/workspaces/${workspaceId}/invite`, { token, body: { email: viewerEmail, role: "viewer" } });
    expect(invite.status, JSON.stringify(invite.body)).toBe(201);
    const accepted = await api("POST", "/api/workspaces/invitations/accept", { token: registered.body.access_token, body: { invite_token: invite.body.invite_token } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);

    const viewer = await openPage(harness.browser);
    try {
      const { page } = viewer;
      await page.goto(`${harness.site}/alerts`);
      await page.waitForURL(/\/sign-in/);
      await page.getByLabel("E-mail").fill(viewerEmail);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForURL(/\/alerts$/);
      const switcher = page.locator(".topbar-tools").getByLabel("Workspace");
      await poll(() => switcher.locator("option").evaluateAll((options) => options.map((option) => (option as unknown as { value: string }).value))).toContain(workspaceId);
      if ((await switcher.inputValue()) !== workspaceId) await switcher.selectOption(workspaceId);
      const row = page.locator("tbody tr").filter({ hasText: "Checkout errors" });
      await poll(() => row.locator("td").nth(6).textContent()).toBe("OK");
      await page.getByText("Viewers read the rules; Members and Admins change them.").waitFor();
      expect(await page.getByRole("button", { name: "New rule" }).count()).toBe(0);
      expect(await row.getByRole("button").allTextContents()).toEqual(["History of Checkout errors"]);
      expect(viewer.errors).toEqual([]);
    } finally {
      await viewer.context.close();
    }
  }, 240_000);

  it("logged no browser error on the way", () => {
    expect(watched.errors).toEqual([]);
  });
});
