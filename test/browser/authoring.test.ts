// Authoring in the browser, as a PM does it day to day: rename a prompt (the name's length shown
// as typed), duplicate it, start two drafts from v1, publish one and discard the other, see what
// Draft / Testing / Production mean, save a playground run's settings as a new version, and
// delete a prompt that was never published (one that was is refused, with archive offered).
// Seeded through the API; every step after that through the UI only.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { HAS_CHROMIUM, openDialog as dialog, openPage, poll, screenshot, toasts as toast, type WatchedPage } from "./support/browser.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

describe.skipIf(!HAS_CHROMIUM)("authoring prompts in the browser", () => {
  let harness: SiteHarness;
  let pm: WatchedPage;
  const stamp = Date.now();
  const email = `ada-${stamp}@example.com`;
  const password = "correct horse battery staple";
  const seeded = { workspaceId: "", token: "", welcome: { id: "", slug: "welcome-email" }, scratch: { id: "", slug: "scratch-idea" } };

  beforeAll(async () => {
    harness = await startSiteHarness();
    const { api } = harness;
    const { token, workspaceId } = await harness.signUp({ email, password, name: "Ada Author" }, "Lifecycle messages");
    Object.assign(seeded, { token, workspaceId });
    for (const [key, name, content] of [
      ["welcome", "Welcome e-mail", "Hello {name}"],
      ["scratch", "Scratch idea", "Maybe one day"],
    ] as const) {
      const created = await api("POST", "/api/prompts", { token, workspaceId, body: { slug: seeded[key].slug, name } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      seeded[key].id = created.body.id as string;
      const version = await api("POST", `/api/prompts/${created.body.id}/versions`, { token, workspaceId, body: { content } });
      expect(version.status, JSON.stringify(version.body)).toBe(201);
    }
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

  const heading = (page: Page) => page.getByRole("heading", { level: 1 });
  const timeline = (page: Page) => page.locator("ol.timeline > li");
  /** Each version's line: its number and badges, separated by spaces ("v2 Production text live in production"). */
  const timelineRows = (page: Page) =>
    timeline(page)
      .locator(".timeline-body > .row")
      .evaluateAll((rows) =>
        rows.map((row) => Array.from((row as unknown as { children: ArrayLike<{ textContent: string | null }> }).children, (child) => (child.textContent ?? "").replace(/\s+/g, " ").trim()).join(" ")),
      );
  const openPrompt = async (page: Page, id: string, tab?: string) => {
    await page.goto(`${harness.site}/prompts/${id}${tab ? `?tab=${tab}` : ""}`);
    // The first load of a page can be slow on a busy machine: the chunk, a token refresh, the prompt.
    await expect.poll(() => heading(page).count(), { timeout: 60_000 }).toBe(1);
  };

  it("renames a prompt and changes its description, with the lengths counted as typed", async () => {
    const { page } = pm;
    await page.goto(`${harness.site}/prompts`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/prompts$/);
    const switcher = page.locator(".topbar-tools").getByLabel("Workspace");
    await poll(() => switcher.locator("option").evaluateAll((options) => options.map((option) => (option as unknown as { value: string }).value))).toContain(seeded.workspaceId);
    await switcher.selectOption(seeded.workspaceId);
    await poll(() => switcher.inputValue()).toBe(seeded.workspaceId);
    await expect.poll(async () => (await page.locator("tbody tr td code").allTextContents()).sort(), { timeout: 60_000 }).toEqual([seeded.scratch.slug, seeded.welcome.slug]);

    await openPrompt(page, seeded.welcome.id);
    await poll(() => heading(page).textContent()).toBe("Welcome e-mail");
    // The editor counts the template against the API's limit.
    await poll(() => page.locator(".syntax-help [data-testid=char-count] [aria-hidden=true]").textContent()).toBe("12 / 100,000");

    await page.getByRole("button", { name: "Edit details" }).click();
    const name = dialog(page).getByLabel("Name");
    await poll(() => name.inputValue()).toBe("Welcome e-mail");
    await poll(() => dialog(page).locator("[data-testid=char-count] [aria-hidden=true]").first().textContent()).toBe("14 / 200");
    await name.fill("Welcome e-mail for new sign-ups");
    await poll(() => dialog(page).locator("[data-testid=char-count] [aria-hidden=true]").first().textContent()).toBe("31 / 200");
    // Past the limit the count says so and saving is off.
    await name.fill("x".repeat(205));
    await poll(() => dialog(page).locator("[data-testid=char-count]").first().textContent()).toContain("5 too many");
    expect(await dialog(page).getByRole("button", { name: "Save details" }).isDisabled()).toBe(true);
    await name.fill("Welcome e-mail for new sign-ups");
    await dialog(page).getByLabel("Description").fill("Sent right after sign-up");
    await dialog(page).getByRole("button", { name: "Save details" }).click();
    await poll(() => toast(page).last().textContent()).toBe("Details saved");
    await poll(() => heading(page).textContent()).toBe("Welcome e-mail for new sign-ups");
    await poll(() => page.locator(".prompt-meta").textContent()).toContain("Sent right after sign-up");
  });

  it("duplicates the prompt under a new slug, and the copy opens with its version as a draft", async () => {
    const { page } = pm;
    await page.getByRole("button", { name: "Duplicate" }).click();
    await poll(() => dialog(page).getByLabel("Name").inputValue()).toBe("Welcome e-mail for new sign-ups (copy)");
    await poll(() => dialog(page).getByLabel("Slug").inputValue()).toBe("welcome-email-copy");
    await dialog(page).getByRole("button", { name: "Duplicate", exact: true }).click();
    await poll(() => heading(page).textContent()).toBe("Welcome e-mail for new sign-ups (copy)");
    expect(page.url()).not.toContain(seeded.welcome.id);
    await poll(() => page.locator(".prompt-meta code").first().textContent()).toBe("welcome-email-copy");
    const copies = await harness.api("GET", "/api/prompts?q=welcome-email-copy", { token: seeded.token, workspaceId: seeded.workspaceId });
    expect(copies.body.prompts.map((prompt: { slug: string }) => prompt.slug)).toContain("welcome-email-copy");
  });

  it("starts two drafts from v1, publishes one and discards the other; the statuses are explained", async () => {
    const { page } = pm;
    await openPrompt(page, seeded.welcome.id, "versions");
    await poll(() => page.locator("#version-status-legend").textContent()).toContain("What production serves to your apps now");
    await poll(() => timelineRows(page)).toEqual([expect.stringMatching(/^v1 Draft/)]);

    await page.getByRole("button", { name: "New draft from version 1" }).click();
    await poll(() => toast(page).last().textContent()).toBe("Draft v2 started from v1");
    await page.getByRole("button", { name: "New draft from version 1" }).click();
    await poll(() => toast(page).last().textContent()).toBe("Draft v3 started from v1");
    await poll(() => timelineRows(page)).toEqual([expect.stringMatching(/^v3 Draft/), expect.stringMatching(/^v2 Draft/), expect.stringMatching(/^v1 Draft/)]);
    // Each badge carries its meaning too.
    expect(await timeline(page).first().locator(".badge").first().getAttribute("title")).toContain("can change");

    await page.getByRole("button", { name: "Publish version 2" }).click();
    await poll(() => dialog(page).getByLabel("Environment").inputValue()).toBe("production");
    await dialog(page).getByRole("button", { name: "Publish", exact: true }).click();
    await poll(() => timelineRows(page)).toEqual([expect.stringMatching(/^v3 Draft/), expect.stringMatching(/^v2 Production .*live in production/), expect.stringMatching(/^v1 Draft/)]);

    page.once("dialog", (question) => void question.accept());
    await page.getByRole("button", { name: "Discard draft version 3" }).click();
    await poll(() => toast(page).last().textContent()).toBe("Draft v3 discarded");
    await poll(() => timelineRows(page)).toEqual([expect.stringMatching(/^v2 Production/), expect.stringMatching(/^v1 Draft/)]);
    // A version that left draft cannot be discarded.
    expect(await page.getByRole("button", { name: "Discard draft version 2" }).count()).toBe(0);
  });

  it("saves the playground's choice as a new draft version of the chosen prompt", async () => {
    // v3 was discarded, so the next number is 3 again (versions are numbered max + 1).
    const { page } = pm;
    const versions = await harness.api("GET", `/api/prompts/${seeded.welcome.id}/versions`, { token: seeded.token, workspaceId: seeded.workspaceId });
    const v2 = versions.body.versions.find((version: { version_number: number }) => version.version_number === 2);
    await page.goto(`${harness.site}/playground?prompt=${seeded.welcome.id}&version=${v2.id}`);
    const save = page.getByRole("button", { name: "Save as new version" });
    await poll(() => save.isEnabled()).toBe(true);
    await save.click();
    await poll(() => page.locator(".save-as-version [role=status]").textContent()).toContain("Saved as draft v3");
    const saved = await harness.api("GET", `/api/prompts/${seeded.welcome.id}/versions/3`, { token: seeded.token, workspaceId: seeded.workspaceId });
    expect(saved.body).toMatchObject({ status: "draft", content: "Hello {name}", changelog: expect.stringContaining("From the playground: v2") });
  });

  it("refuses to delete a published prompt, offering to archive it, and deletes one that was never published", async () => {
    const { page } = pm;
    await openPrompt(page, seeded.welcome.id);
    await page.getByRole("button", { name: "Delete…" }).click();
    await poll(() => dialog(page).textContent()).toContain("has been published, so it cannot be deleted");
    expect(await dialog(page).getByRole("button", { name: "Delete for good" }).count()).toBe(0);
    await poll(() => dialog(page).getByRole("button", { name: "Archive instead" }).count()).toBe(1);
    await dialog(page).getByRole("button", { name: "Cancel" }).click();

    await openPrompt(page, seeded.scratch.id);
    await poll(() => heading(page).textContent()).toBe("Scratch idea");
    await page.getByRole("button", { name: "Delete…" }).click();
    await poll(() => dialog(page).textContent()).toContain("It was never published");
    await dialog(page).getByRole("button", { name: "Delete for good" }).click();
    await page.waitForURL(/\/prompts$/);
    await poll(() => toast(page).last().textContent()).toBe("Deleted “Scratch idea”");
    await poll(() => page.locator("tbody tr td code").allTextContents()).not.toContain(seeded.scratch.slug);
    expect((await harness.api("GET", `/api/prompts/${seeded.scratch.id}`, { token: seeded.token, workspaceId: seeded.workspaceId })).status).toBe(404);
    // The published one is still there.
    expect((await harness.api("GET", `/api/prompts/${seeded.welcome.id}`, { token: seeded.token, workspaceId: seeded.workspaceId })).body).toMatchObject({ status: "active" });
  });
});
