// The platform admin console in the browser. The first admin is made with `npm run make-admin`'s
// function against the stack's database; they find the Platform admin link (no one else has it),
// search a user and disable them — whose access token is then refused by the API — see usage
// over time and download it as CSV, see the aggregation runs and the platform's audit log. They
// set a workspace's monthly get-prompt quota on its page (shown with source "workspace", and so in
// the workspace's own limits), and a global value on the global limits page. A user who is not a platform
// admin has no link, and /admin answers them the not-found page. Users, usage and jobs pass axe
// in light, dark and at 375 px.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { captureViews, downloadedFile, HAS_CHROMIUM, openDialog as dialog, openPage, poll, toasts as toast, type WatchedPage } from "./support/browser.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";
import { makeAdmin } from "../../scripts/make-admin.ts";

describe.skipIf(!HAS_CHROMIUM)("the platform admin console in the browser", () => {
  let harness: SiteHarness;
  let operator: WatchedPage;
  let regular: WatchedPage | undefined;
  const stamp = Date.now();
  const password = "correct horse battery staple";
  const operatorEmail = `olga-${stamp}@example.com`;
  const targetEmail = `tom-${stamp}@example.com`;
  const regularEmail = `rita-${stamp}@example.com`;
  let targetToken = "";
  let regularAccount = { token: "", workspaceId: "" };
  let operatorToken = "";

  beforeAll(async () => {
    harness = await startSiteHarness();
    operatorToken = (await harness.signUp({ email: operatorEmail, password, name: "Olga Operator" }, "Ops")).token;
    const made = await makeAdmin({ email: operatorEmail, revoke: false, databaseUrl: harness.stack.urls.database, dataDir: "/nonexistent" });
    expect(made.isPlatformAdmin).toBe(true);
    targetToken = (await harness.signUp({ email: targetEmail, password, name: "Tom Target" }, "Tom's team")).token;
    regularAccount = await harness.signUp({ email: regularEmail, password, name: "Rita Regular" }, "Rita's team");
    operator = await openPage(harness.browser);
  }, 180_000);
  afterAll(async () => {
    await regular?.context.close();
    await operator?.context.close();
    // The stack is shared with the browser files after this one: the global limit set below goes.
    if (operatorToken) {
      const reset = await harness.api("PUT", "/api/admin/limits", { token: operatorToken, body: { limits: { llm_requests_per_day: null } } });
      expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    }
    await harness?.stop();
  });

  const signIn = async (page: Page, email: string) => {
    await page.goto(`${harness.site}/sign-in`);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/prompts/);
  };
  const nav = (page: Page) => page.getByRole("navigation", { name: "Main" });
  const settled = (check: (page: Page) => Promise<unknown>) => async (page: Page) => {
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await check(page);
  };

  it("lets a platform admin find a user and disable them: their access token is refused at once", async () => {
    const { page } = operator;
    await signIn(page, operatorEmail);
    await nav(page).getByRole("link", { name: "Platform admin" }).click();
    await page.waitForURL(/\/admin$/);
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();

    expect((await harness.api("GET", "/api/auth/me", { token: targetToken })).status).toBe(200);
    await page.getByRole("searchbox", { name: "Search" }).fill(`TOM-${stamp}`);
    const target = page.locator("tbody tr").filter({ hasText: targetEmail });
    await poll(() => page.locator("tbody tr").count()).toBe(1);
    await poll(() => target.textContent()).toMatch(/Tom Target.*Active/);
    expect(await captureViews(page, "platform-admin-users", settled((current) => current.getByRole("button", { name: `Disable ${targetEmail}` }).waitFor()))).toEqual([]);

    await target.getByRole("button", { name: `Disable ${targetEmail}` }).click();
    expect(await dialog(page).textContent()).toMatch(/signed out everywhere at once/);
    await dialog(page).getByRole("button", { name: "Disable" }).click();
    await poll(() => toast(page).last().textContent()).toBe(`${targetEmail} is disabled; their sessions have ended`);
    await poll(() => target.textContent()).toMatch(/Disabled/);
    await target.getByRole("button", { name: `Enable ${targetEmail}` }).waitFor();

    const refused = await harness.api("GET", "/api/auth/me", { token: targetToken });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("UNAUTHENTICATED");
    // The operator cannot disable or delete themselves from the page.
    await page.getByRole("searchbox", { name: "Search" }).fill(operatorEmail);
    await poll(() => page.locator("tbody tr").filter({ hasText: operatorEmail }).textContent()).toMatch(/Platform admin.*You/);
  });

  it("shows usage over time with a CSV download, and the aggregation runs", async () => {
    const { page } = operator;
    await page.getByRole("navigation", { name: "Platform admin sections" }).getByRole("link", { name: "Jobs and KV" }).click();
    await page.getByRole("heading", { name: "Jobs and KV", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Run aggregation now" }).click();
    await poll(() => toast(page).last().textContent()).toMatch(/^Aggregation ran/);
    await poll(() => page.locator("tbody tr").filter({ hasText: operatorEmail }).first().textContent()).toMatch(/succeeded/);
    expect(await captureViews(page, "platform-admin-jobs", settled((current) => current.getByRole("button", { name: "Rebuild KV" }).waitFor()))).toEqual([]);

    await page.getByRole("navigation", { name: "Platform admin sections" }).getByRole("link", { name: "Usage" }).click();
    await page.getByRole("heading", { name: "Usage", level: 1 }).waitFor();
    await poll(() => page.locator(".panel").first().textContent()).toMatch(/No usage in this range|Totals per workspace/);
    expect(await captureViews(page, "platform-admin-usage", settled((current) => current.getByRole("button", { name: "Download CSV" }).waitFor()))).toEqual([]);
    const csv = await downloadedFile(page, () => page.getByRole("button", { name: "Download CSV" }).click());
    expect(csv.name).toMatch(/^platform-usage-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.text.split("\r\n")[0]).toBe("day,workspace_id,workspace_name,requests,events,llm_requests,llm_cost_micros,reported_cost_micros");

    // The disabling and the run are in the platform's audit log.
    await page.getByRole("navigation", { name: "Platform admin sections" }).getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("heading", { name: "Platform audit log", level: 1 }).waitFor();
    await poll(() => page.locator("tbody.audit-entry").allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/Olga Operator.*stats\.aggregate/), expect.stringMatching(/Olga Operator.*user\.disable/)]));
    expect(operator.errors).toEqual([]);
  });

  /** The limit `name` as the workspace's own members see it (GET /api/workspaces/{id}/limits). */
  const limitSeenByWorkspace = async (name: string) => {
    const answer = await harness.api("GET", `/api/workspaces/${regularAccount.workspaceId}/limits`, { token: regularAccount.token });
    expect(answer.status).toBe(200);
    return (answer.body.limits as Array<{ name: string; value: number | null; source: string }>).find((limit) => limit.name === name);
  };

  it("sets a workspace's monthly get-prompt quota on its page: it shows with source workspace, for the admin and the workspace", async () => {
    const { page } = operator;
    await page.getByRole("navigation", { name: "Platform admin sections" }).getByRole("link", { name: "Workspaces" }).click();
    await page.getByRole("heading", { name: "Workspaces", level: 1 }).waitFor();
    await page.getByRole("searchbox", { name: "Search" }).fill(regularEmail);
    await poll(() => page.locator("tbody tr").count()).toBe(1);
    await page.getByRole("link", { name: "Rita's team" }).click();
    await page.waitForURL(new RegExp(`/admin/workspaces/${regularAccount.workspaceId}$`));
    await page.getByRole("heading", { name: "Limits and quotas" }).waitFor();

    const quota = page.locator('tr[data-limit="workspace_requests_per_month"]');
    await poll(() => quota.getAttribute("data-source")).toBe("default");
    expect(await quota.textContent()).toMatch(/get-prompt calls per month.*Unlimited.*Built-in default.*Built-in: Unlimited.*0/);
    expect(await captureViews(page, "platform-admin-workspace-limits", settled((current) => current.getByRole("button", { name: "Save limits" }).waitFor()))).toEqual([]);

    await page.getByLabel("get-prompt calls per month, this workspace's value").fill("250000");
    await page.getByRole("button", { name: "Save limits" }).click();
    await poll(() => toast(page).last().textContent()).toBe("Limits saved; the edge applies them within a second");
    await poll(() => quota.getAttribute("data-source")).toBe("workspace");
    expect(await quota.textContent()).toMatch(/250,000 \/ month.*Set for this workspace.*Built-in: Unlimited.*0 of 250,000/);
    expect(await page.getByLabel("get-prompt calls per month, this workspace's value").inputValue()).toBe("250000");
    // Only the changed box was sent: the other limits keep their built-in source.
    expect(await page.locator('tr[data-limit="workspace_events_per_month"]').getAttribute("data-source")).toBe("default");

    // Saved, not only shown: after a reload, and for the workspace itself.
    await page.reload();
    await poll(() => quota.getAttribute("data-source")).toBe("workspace");
    expect(await quota.textContent()).toMatch(/250,000 \/ month.*Set for this workspace/);
    expect(await limitSeenByWorkspace("workspace_requests_per_month")).toMatchObject({ value: 250000, source: "workspace" });
    expect(operator.errors).toEqual([]);
  });

  it("loads the global limits page without console errors and saves one global value", async () => {
    const { page } = operator;
    await page.getByRole("navigation", { name: "Platform admin sections" }).getByRole("link", { name: "Global limits" }).click();
    await page.getByRole("heading", { name: "Global limits", level: 1 }).waitFor();
    const daily = page.locator('tr[data-limit="llm_requests_per_day"]');
    await poll(() => daily.getAttribute("data-source")).toBe("default");
    expect(await page.locator('tr[data-limit="api_key_requests_per_minute"]').textContent()).toMatch(/60,000 \/ minute.*Built-in default.*Built-in: 60,000 \/ minute/);
    expect(await captureViews(page, "platform-admin-global-limits", settled((current) => current.getByRole("button", { name: "Save limits" }).waitFor()))).toEqual([]);

    await page.getByLabel("LLM requests per day (UTC), global value").fill("5000");
    await page.getByRole("button", { name: "Save limits" }).click();
    await poll(() => toast(page).last().textContent()).toBe("Limits saved; the edge applies them within a second");
    await poll(() => daily.getAttribute("data-source")).toBe("global");
    expect(await daily.textContent()).toMatch(/5,000 \/ day.*Global default.*Built-in: Unlimited/);
    await page.reload();
    await poll(() => daily.getAttribute("data-source")).toBe("global");
    // Every workspace without its own value now has it.
    expect(await limitSeenByWorkspace("llm_requests_per_day")).toMatchObject({ value: 5000, source: "global" });
    expect(operator.errors).toEqual([]);
  });

  it("shows no console to a user who is not a platform admin: no link, and /admin is not found", async () => {
    regular = await openPage(harness.browser);
    const { page } = regular;
    await signIn(page, regularEmail);
    await nav(page).getByRole("link", { name: "Prompts" }).waitFor();
    expect(await nav(page).getByRole("link", { name: "Platform admin" }).count()).toBe(0);
    await page.goto(`${harness.site}/admin`);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    expect(await page.getByRole("navigation", { name: "Platform admin sections" }).count()).toBe(0);
    await page.goto(`${harness.site}/admin/usage`);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    expect(regular.errors).toEqual([]);
  });
});
