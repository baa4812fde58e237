// Scheduled publishing in the browser (issue #18): on a prompt's deployment panel the PM schedules
// v2 for production an hour ahead (version, environment, date and time), sees it listed as
// pending, cancels it, and finds it among the recent ones as cancelled; a time in the past is
// refused in words. The run at the scheduled time is test/e2e/scheduled-publishing.test.ts's subject.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HAS_CHROMIUM, openDialog as dialog, openPage, poll, screenshot, seriousAccessibilityViolations, toasts, type WatchedPage } from "./support/browser.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

/** The value of a datetime-local input, in the browser's (and this process's) time zone. */
function localInputValue(date: Date): string {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

describe.skipIf(!HAS_CHROMIUM)("scheduled publishing in the browser", () => {
  let harness: SiteHarness;
  let pm: WatchedPage;
  const stamp = Date.now();
  const email = `sky-${stamp}@example.com`;
  const password = "correct horse battery staple";
  let token = "";
  let workspaceId = "";
  let promptId = "";

  const call = (method: string, path: string, body?: unknown) => harness.api(method, path, { token, workspaceId, ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    harness = await startSiteHarness();
    ({ token, workspaceId } = await harness.signUp({ email, password, name: "Sky Scheduler" }, "Launch team"));
    const created = await call("POST", "/api/prompts", { slug: "launch-banner", name: "Launch banner" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    promptId = created.body.id as string;
    const versions: string[] = [];
    for (const content of ["Coming soon", "Out now!"]) {
      const version = await call("POST", `/api/prompts/${promptId}/versions`, { content });
      expect(version.status, JSON.stringify(version.body)).toBe(201);
      versions.push(version.body.id as string);
    }
    expect((await call("PUT", `/api/prompts/${promptId}/versions/${versions[0]}/publish`, {})).status).toBe(200);
    pm = await openPage(harness.browser);
  }, 180_000);
  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(async () => {
      await screenshot(pm.page, `failed-${task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(() => {});
    });
  });
  afterAll(async () => {
    await pm?.context.close();
    await harness?.stop();
  });

  it("schedules a publish from the deployment panel, lists it as pending, and cancels it", async () => {
    const { page } = pm;
    await page.goto(`${harness.site}/prompts/${promptId}?tab=deployments`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/prompts/);
    await page.goto(`${harness.site}/prompts/${promptId}?tab=deployments`);
    const scheduled = page.getByRole("region", { name: "Scheduled" });
    await scheduled.getByText("Nothing is scheduled.").waitFor({ timeout: 120_000 });

    await scheduled.getByRole("button", { name: "Schedule…" }).click();
    const form = dialog(page);
    await form.getByLabel("Version").selectOption({ label: "v2 · Draft" });
    await form.getByLabel("Environment").selectOption("production");
    // A time in the past is refused in words.
    await form.getByLabel("When").fill(localInputValue(new Date(Date.now() - 60 * 60_000)));
    await form.getByRole("button", { name: "Schedule", exact: true }).click();
    await poll(() => form.getByRole("alert").textContent()).toMatch(/run_at must be in the future/);
    pm.errors.length = 0; // the browser logs that 400 itself

    const runAt = new Date(Date.now() + 60 * 60_000);
    await form.getByLabel("When").fill(localInputValue(runAt));
    await form.getByRole("button", { name: "Schedule", exact: true }).click();
    await poll(() => toasts(page).last().textContent()).toMatch(/^Scheduled for /);
    const pending = scheduled.getByRole("list", { name: "Pending scheduled deployments" }).getByRole("listitem");
    await poll(() => pending.allTextContents()).toEqual([expect.stringMatching(/^Publish v2 to production at .* · by Sky Scheduler/)]);
    const listed = await call("GET", `/api/prompts/${promptId}/scheduled-deployments`);
    expect(listed.body.pending).toEqual([expect.objectContaining({ action: "publish", environment: "production", version: 2, status: "scheduled" })]);
    // Minutes are what the form offers: the time asked for, to the minute.
    expect(Math.abs(Date.parse(listed.body.pending[0].run_at) - runAt.getTime())).toBeLessThan(60_000);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await scheduled.getByRole("button", { name: "Cancel: Publish v2 to production" }).click();
    await poll(() => toasts(page).last().textContent()).toBe("Scheduled deployment cancelled");
    await scheduled.getByText("Nothing is scheduled.").waitFor();
    await scheduled.getByText("Recent scheduled deployments").click();
    await poll(() => scheduled.locator("details li").allTextContents()).toEqual([expect.stringMatching(/^Publish v2 to production at .*Cancelled$/)]);
    expect((await call("GET", `/api/prompts/${promptId}/scheduled-deployments`)).body.recent).toEqual([expect.objectContaining({ status: "cancelled" })]);
    // Production still serves v1.
    await poll(() => page.locator('[data-environment="production"] .environment-live').textContent()).toMatch(/^v1 live/);
    expect(pm.errors).toEqual([]);
  }, 240_000);
});
