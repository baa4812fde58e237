// The approvals inbox in the browser (issue 17, item 4), and two robustness points of item 5.
// A workspace needs an Admin's approval for production; a Member asks for v2 while production
// serves v1. The Admin sees the count in the navigation, opens the inbox (prompt, version,
// environment, requester, the diff against v1), approves there, and the prompt's deployment
// history names both the Member who asked and the Admin who approved. The Member sees a new
// request in the inbox without approve buttons and no badge; the history pages with "Load more".
// Then: a validation error reads in
// words naming the field, and list filters survive a reload and the back button.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { HAS_CHROMIUM, openDialog as dialog, openPage, poll, screenshot, seriousAccessibilityViolations, toasts as toast, type WatchedPage } from "./support/browser.ts";
import { verifyAddressThroughInbox } from "../support/verify-address.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

describe.skipIf(!HAS_CHROMIUM)("the approvals inbox in the browser", () => {
  let harness: SiteHarness;
  let admin: WatchedPage;
  let member: WatchedPage | undefined;
  const stamp = Date.now();
  const password = "correct horse battery staple";
  const adminEmail = `ada-${stamp}@example.com`;
  const memberEmail = `mo-${stamp}@example.com`;
  let workspaceId = "";
  let memberToken = "";
  let promptId = "";
  let versionIds: string[] = [];

  beforeAll(async () => {
    harness = await startSiteHarness();
    const { api } = harness;
    const inbox = harness.stack.urls.mail!;
    const owner = await harness.signUp({ email: adminEmail, password, name: "Ada Admin" }, "Growth team");
    workspaceId = owner.workspaceId;
    await verifyAddressThroughInbox(api, inbox, adminEmail);
    const registered = await api("POST", "/api/auth/register", { body: { email: memberEmail, password, name: "Mo Member" } });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    memberToken = registered.body.access_token as string;
    await verifyAddressThroughInbox(api, inbox, memberEmail);
    const invite = await api("POST", `/api/workspaces/${workspaceId}/invite`, { token: owner.token, body: { email: memberEmail, role: "member" } });
    expect(invite.status, JSON.stringify(invite.body)).toBe(201);
    const accepted = await api("POST", "/api/workspaces/invitations/accept", { token: memberToken, body: { invite_token: invite.body.invite_token } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const strict = await api("PATCH", `/api/workspaces/${workspaceId}`, { token: owner.token, body: { require_production_approval: true } });
    expect(strict.status, JSON.stringify(strict.body)).toBe(200);

    const as = (token: string) => ({ token, workspaceId });
    const prompt = await api("POST", "/api/prompts", { ...as(owner.token), body: { slug: "welcome-message", name: "Welcome message" } });
    expect(prompt.status, JSON.stringify(prompt.body)).toBe(201);
    promptId = prompt.body.id as string;
    for (const content of ["Hello {name}, welcome aboard.", "Hello {name}, welcome back to the team!", "Hi {name}."]) {
      const version = await api("POST", `/api/prompts/${promptId}/versions`, { ...as(owner.token), body: { content } });
      expect(version.status, JSON.stringify(version.body)).toBe(201);
      versionIds.push(version.body.id as string);
    }
    // Production serves v1 (an Admin publishes straight through); the Member asks for v2.
    const live = await api("PUT", `/api/prompts/${promptId}/versions/${versionIds[0]}/publish`, { ...as(owner.token), body: { environment: "production" } });
    expect(live.status, JSON.stringify(live.body)).toBe(200);
    const asked = await api("PUT", `/api/prompts/${promptId}/versions/${versionIds[1]}/publish`, { ...as(memberToken), body: { environment: "production", note: "Warmer wording" } });
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    admin = await openPage(harness.browser);
  }, 240_000);
  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(async () => {
      await screenshot(admin.page, `failed-approvals-${task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(() => {});
    });
  });
  afterAll(async () => {
    await member?.context.close();
    await admin?.context.close();
    await harness?.stop();
  });

  const signIn = async (page: Page, email: string) => {
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  };
  const navigation = (page: Page) => page.getByRole("navigation", { name: "Main" });
  const selectWorkspace = async (page: Page) => {
    const switcher = page.locator(".topbar-tools").getByLabel("Workspace");
    await poll(() => switcher.locator("option").evaluateAll((options) => options.map((option) => (option as unknown as { value: string }).value))).toContain(workspaceId);
    if ((await switcher.inputValue()) !== workspaceId) await switcher.selectOption(workspaceId);
  };

  it("shows an Admin the pending count in the navigation, and the inbox names the prompt, version, environment, requester and the diff", async () => {
    const { page } = admin;
    await page.goto(`${harness.site}/prompts`);
    await page.waitForURL(/\/sign-in/);
    await signIn(page, adminEmail);
    await page.waitForURL(/\/prompts$/);
    await selectWorkspace(page);
    const link = navigation(page).getByRole("link", { name: /^Approvals/ });
    await poll(() => link.textContent()).toBe("Approvals 1 pending");
    await link.click();
    await page.waitForURL(/\/approvals$/);
    // The site runs under Vite's dev server: its first visit compiles the page (the diff editor with it), slow on a busy machine.
    await page.getByRole("heading", { name: "Approvals", level: 1 }).waitFor({ timeout: 120_000 });

    const card = page.getByRole("listitem", { name: "Welcome message v2 to production" });
    await poll(() => card.locator(".approval-facts").textContent()).toMatch(/^v2 to production \(serves v1 now\), requested by Mo Member/);
    expect(await card.locator("code").textContent()).toBe("welcome-message");
    expect(await card.locator(".approval-comment").textContent()).toBe("Warmer wording");
    // The diff: what production serves now on the left, the version asked for on the right.
    await poll(() => card.locator(".version-diff-labels").textContent()).toBe("Version 1 (served in production now)Version 2 (asked for)");
    await poll(() => card.locator(".version-diff-editors").textContent()).toContain("welcome back to the team!");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(admin.errors).toEqual([]);
  }, 240_000);

  it("approves from the inbox: the version goes live, the badge goes, and the history names the requester and the approver", async () => {
    const { page } = admin;
    const card = page.getByRole("listitem", { name: "Welcome message v2 to production" });
    await card.getByRole("button", { name: "Approve" }).click();
    await poll(() => toast(page).last().textContent()).toBe("Approved: Welcome message v2 is live in production");
    await page.getByText("Nothing waits for approval").waitFor();
    await poll(() => navigation(page).getByRole("link", { name: /^Approvals/ }).textContent()).toBe("Approvals");

    // Decided requests are one choice away, with who decided.
    await page.getByLabel("Show", { exact: true }).selectOption("approved");
    await page.waitForURL(/\/approvals\?status=approved$/);
    await poll(() => page.getByRole("listitem", { name: "Welcome message v2 to production" }).textContent()).toMatch(/Approved by Ada Admin/);

    await page.goto(`${harness.site}/prompts/${promptId}?tab=deployments`);
    const history = page.getByRole("region", { name: "Deployment history" });
    const approvedRow = history.locator("tbody tr").filter({ hasText: "approved" }).first();
    await poll(() => approvedRow.textContent()).toMatch(/production.*v1 → v2.*Requested by Mo Member, approved by Ada Admin.*Warmer wording/);
    await page.getByRole("heading", { name: "Environments" }).waitFor();
    await poll(() => page.locator('[data-environment="production"] .environment-live').textContent()).toMatch(/^v2 live/);
    expect(admin.errors).toEqual([]);
  });

  it("shows a Member the inbox without approve buttons, and no badge", async () => {
    const asked = await harness.api("PUT", `/api/prompts/${promptId}/versions/${versionIds[2]}/publish`, { token: memberToken, workspaceId, body: { environment: "production" } });
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    member = await openPage(harness.browser);
    const { page } = member;
    await page.goto(`${harness.site}/approvals`);
    await page.waitForURL(/\/sign-in/);
    await signIn(page, memberEmail);
    await page.waitForURL(/\/approvals$/);
    await selectWorkspace(page);
    const card = page.getByRole("listitem", { name: "Welcome message v3 to production" });
    await poll(() => card.locator(".approval-facts").textContent()).toMatch(/^v3 to production \(serves v2 now\), requested by Mo Member/);
    await page.getByText("Only Admins approve or reject requests.").waitFor();
    expect(await card.getByRole("button", { name: "Approve" }).count()).toBe(0);
    expect(await card.getByRole("button", { name: "Reject" }).count()).toBe(0);
    expect(await navigation(page).getByRole("link", { name: /^Approvals/ }).textContent()).toBe("Approvals");
    // The Admin's badge counts the new request.
    await admin.page.goto(`${harness.site}/prompts`);
    await poll(() => navigation(admin.page).getByRole("link", { name: /^Approvals/ }).textContent()).toBe("Approvals 1 pending");
    expect(member.errors).toEqual([]);
  });

  it("pages the history: 50 requests, then the rest with Load more", async () => {
    // Each new request replaces the pending one (cancelled): the one from the test above and 50 more.
    for (let index = 0; index < 51; index++) {
      const asked = await harness.api("PUT", `/api/prompts/${promptId}/versions/${versionIds[index % 2 === 0 ? 2 : 0]}/publish`, { token: memberToken, workspaceId, body: { environment: "production" } });
      expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    }
    const { page } = admin;
    await page.goto(`${harness.site}/approvals?status=cancelled`);
    const cards = page.locator(".approval-card");
    await poll(() => cards.count()).toBe(50);
    await page.getByRole("button", { name: "Load more" }).click();
    await poll(() => cards.count()).toBe(51);
    await page.getByText("51 requests.").waitFor();
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
    expect(admin.errors).toEqual([]);
  }, 240_000);

  it("says what is wrong with a field in words, naming the field", async () => {
    const { page } = admin;
    await page.goto(`${harness.site}/prompts`);
    await page.getByRole("button", { name: "New prompt" }).first().click();
    // Spaces pass the browser's own "required" check; the API trims them and answers in words.
    await dialog(page).getByLabel("Name", { exact: true }).fill("   ");
    await dialog(page).getByLabel("Slug", { exact: true }).fill("only-spaces");
    await dialog(page).getByRole("button", { name: "Create prompt" }).click();
    const error = dialog(page).getByRole("alert");
    await poll(() => error.textContent()).toBe("name: must not be empty");
    expect(await error.textContent()).not.toMatch(/Too small|expected|>=|Request validation failed/);
    await dialog(page).getByRole("button", { name: "Cancel" }).click();
    // The one console error is the browser logging that 400 itself.
    expect(admin.errors).toEqual([expect.stringMatching(/\/prompts: console error: Failed to load resource: the server responded with a status of 400/)]);
    admin.errors.length = 0;
  });

  it("keeps list filters in the address: a reload and the back button bring them back", async () => {
    const { page } = admin;
    await page.goto(`${harness.site}/prompts`);
    const filters = page.getByRole("search", { name: "Filter prompts" });
    const rows = page.locator("tbody tr td code");
    await poll(() => rows.allTextContents()).toEqual(["welcome-message"]);
    await filters.getByLabel("Search").fill("nothing-like-this");
    await page.waitForURL(/\/prompts\?q=nothing-like-this$/);
    await page.getByText("No prompts match").waitFor();
    await filters.getByLabel("Status").selectOption("archived");
    await page.waitForURL(/[?&]status=archived/);

    await page.reload();
    await poll(() => filters.getByLabel("Search").inputValue()).toBe("nothing-like-this");
    expect(await filters.getByLabel("Status").inputValue()).toBe("archived");
    await page.getByText("No prompts match").waitFor();

    // Away and back: the filters are still there.
    await page.goto(`${harness.site}/audit-log`);
    await page.getByRole("heading", { name: "Audit log", level: 1 }).waitFor();
    await page.goBack();
    await page.waitForURL(/\/prompts\?/);
    await poll(() => filters.getByLabel("Search").inputValue()).toBe("nothing-like-this");

    // Clearing them clears the address too.
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.waitForURL(/\/prompts\??$/);
    await poll(() => rows.allTextContents()).toEqual(["welcome-message"]);

    // The experiments tab and the approvals choice are kept the same way.
    await page.goto(`${harness.site}/experiments`);
    await page.getByRole("tab", { name: "Stopped" }).click();
    await page.waitForURL(/\/experiments\?status=stopped$/);
    await page.reload();
    await poll(() => page.getByRole("tab", { name: "Stopped" }).getAttribute("aria-selected")).toBe("true");
    expect(admin.errors).toEqual([]);
  });
});
