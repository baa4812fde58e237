// The prompts list in the browser, for a PM who keeps many prompts: rows selected for a bulk tag,
// the tag filter, an export of the selection as JSON, a bulk archive (and the Archived filter
// that shows it), a re-import of the exported file with new slugs (what someone moving prompts
// between installations does), the table as CSV, and a move to another workspace. Seeded through
// the API; every step after that through the UI only.
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { stringify as stringifyYaml } from "yaml";
import { downloadedFile as download, HAS_CHROMIUM, openDialog as dialog, openPage, poll, screenshot, toasts as toast, type WatchedPage } from "./support/browser.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

interface ExportedFile {
  prompts: Array<{ slug: string; name: string; versions: Array<{ content: string | null }> }>;
}

describe.skipIf(!HAS_CHROMIUM)("the prompts list in the browser", () => {
  let harness: SiteHarness;
  let pm: WatchedPage;
  const stamp = Date.now();
  const email = `lee-${stamp}@example.com`;
  const password = "correct horse battery staple";
  /** Seeded prompts, by slug: the first two are the ones the PM works on. */
  const seeded = [
    { slug: "onboarding-welcome", name: "Onboarding welcome", content: "Welcome aboard, {name}!" },
    { slug: "onboarding-nudge", name: "Onboarding nudge", content: "Still there, {name}? Finish your setup." },
    { slug: "billing-receipt", name: "Billing receipt", content: "Thanks for your payment of {amount}." },
  ];
  let exported: ExportedFile | undefined;
  const importFile = join(tmpdir(), `xr2-import-${stamp}.json`);
  const workspaceIds = { lifecycle: "", partner: "", support: "" };
  const yamlFile = join(tmpdir(), `xr2-import-${stamp}.yaml`);

  beforeAll(async () => {
    harness = await startSiteHarness();
    const { api } = harness;
    const { token, workspaceId } = await harness.signUp({ email, password, name: "Lee Prompts" }, "Lifecycle messages");
    workspaceIds.lifecycle = workspaceId;
    const partner = await api("POST", "/api/workspaces", { token, body: { name: "Partner apps" } });
    expect(partner.status, JSON.stringify(partner.body)).toBe(201);
    workspaceIds.partner = partner.body.id as string;
    const support = await api("POST", "/api/workspaces", { token, body: { name: "Support desk" } });
    expect(support.status, JSON.stringify(support.body)).toBe(201);
    workspaceIds.support = support.body.id as string;
    for (const prompt of seeded) {
      const created = await api("POST", "/api/prompts", { token, workspaceId, body: { slug: prompt.slug, name: prompt.name } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const version = await api("POST", `/api/prompts/${created.body.id}/versions`, { token, workspaceId, body: { content: prompt.content } });
      expect(version.status, JSON.stringify(version.body)).toBe(201);
    }
    pm = await openPage(harness.browser);
  }, 180_000);
  // What the page showed when a step failed: test-results/screenshots/failed-….png.
  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(async () => {
      await screenshot(pm.page, `failed-${task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(() => {});
    });
  });
  afterAll(async () => {
    rmSync(importFile, { force: true });
    rmSync(yamlFile, { force: true });
    await pm?.context.close();
    await harness?.stop();
  });

  /** The filter bar's fields (the tag dialog has a "Tag" field too). */
  const filter = (page: Page, label: string) => page.getByRole("search", { name: "Filter prompts" }).getByLabel(label);
  const shownSlugs = (page: Page) => page.locator("tbody tr td code").allTextContents();
  const switchWorkspace = async (page: Page, id: string) => {
    const switcher = page.locator(".topbar-tools").getByLabel("Workspace");
    await poll(() => switcher.locator("option").evaluateAll((options) => options.map((option) => (option as unknown as { value: string }).value))).toContain(id);
    await switcher.selectOption(id);
    await poll(() => switcher.inputValue()).toBe(id);
  };
  const select = async (page: Page, names: string[]) => {
    for (const name of names) await page.getByRole("checkbox", { name: `Select ${name}` }).check();
  };

  it("tags two selected prompts at once, and the tag filter then shows just those", async () => {
    const { page } = pm;
    await page.goto(`${harness.site}/prompts`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/prompts$/);
    await switchWorkspace(page, workspaceIds.lifecycle);
    await poll(async () => (await shownSlugs(page)).sort()).toEqual(seeded.map((prompt) => prompt.slug).sort());

    await select(page, ["Onboarding welcome", "Onboarding nudge"]);
    const bar = page.getByRole("region", { name: "Bulk actions" });
    await poll(() => bar.textContent()).toMatch(/2 selected/);
    await bar.getByRole("button", { name: "Tag…" }).click();
    await dialog(page).getByLabel("Tag", { exact: true }).fill("onboarding");
    await dialog(page).getByRole("button", { name: "Add tag" }).click();
    await poll(() => toast(page).last().textContent()).toBe("Tagged 2 prompts");
    // The selection is cleared once the action is done.
    await poll(() => bar.count()).toBe(0);

    await filter(page, "Tag").selectOption({ label: "onboarding" });
    await poll(async () => (await shownSlugs(page)).sort()).toEqual(["onboarding-nudge", "onboarding-welcome"]);
  });

  it("exports the selected prompts as JSON, with their versions", async () => {
    const { page } = pm;
    await select(page, ["Onboarding welcome", "Onboarding nudge"]);
    const file = await download(page, () => page.getByRole("region", { name: "Bulk actions" }).getByRole("button", { name: "Export JSON" }).click());
    expect(file.name).toMatch(/\.json$/);
    exported = JSON.parse(file.text) as ExportedFile;
    expect(exported.prompts.map((prompt) => prompt.slug).sort()).toEqual(["onboarding-nudge", "onboarding-welcome"]);
    const welcome = exported.prompts.find((prompt) => prompt.slug === "onboarding-welcome")!;
    expect(welcome.versions.map((version) => version.content)).toEqual(["Welcome aboard, {name}!"]);
    await poll(() => toast(page).last().textContent()).toBe("Exported 2 prompts");
  });

  it("archives the selection after asking, and the Archived filter shows it", async () => {
    const { page } = pm;
    // Still selected after the export: archive those two.
    const bar = page.getByRole("region", { name: "Bulk actions" });
    await poll(() => bar.textContent()).toMatch(/2 selected/);
    await bar.getByRole("button", { name: "Archive" }).click();
    await poll(() => dialog(page).getByRole("heading").textContent()).toBe("Archive 2 prompts?");
    await dialog(page).getByRole("button", { name: "Archive" }).click();
    await poll(() => toast(page).last().textContent()).toBe("Archived 2 prompts");
    await filter(page, "Tag").selectOption("");
    await poll(() => shownSlugs(page)).toEqual(["billing-receipt"]);

    await filter(page, "Status").selectOption("archived");
    await poll(async () => (await shownSlugs(page)).sort()).toEqual(["onboarding-nudge", "onboarding-welcome"]);
    await filter(page, "Status").selectOption("active");
    await poll(() => shownSlugs(page)).toEqual(["billing-receipt"]);
  });

  it("imports the exported file under new slugs: the prompts come back with their versions as drafts", async () => {
    const { page } = pm;
    expect(exported, "the export step ran").toBeDefined();
    const renamed: ExportedFile = { ...exported!, prompts: exported!.prompts.map((prompt) => ({ ...prompt, slug: `${prompt.slug}-v2`, name: `${prompt.name} (v2)` })) };
    writeFileSync(importFile, JSON.stringify(renamed));

    await page.getByRole("button", { name: "Import", exact: true }).click();
    await dialog(page).getByLabel("File").setInputFiles(importFile);
    await dialog(page).getByRole("button", { name: "Import", exact: true }).click();
    await poll(() => dialog(page).getByRole("status").last().textContent()).toBe("Imported 2 of 2 prompts.");
    const results = dialog(page).getByRole("region", { name: "Import results" });
    await poll(async () => (await results.locator("tbody tr").allTextContents()).sort()).toEqual(["onboarding-nudge-v2Createdv1", "onboarding-welcome-v2Createdv1"]);
    await dialog(page).locator("form").getByRole("button", { name: "Close" }).click();
    await poll(async () => (await shownSlugs(page)).sort()).toEqual(["billing-receipt", "onboarding-nudge-v2", "onboarding-welcome-v2"]);

    // The same file again, with "skip": nothing is created twice.
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await dialog(page).getByLabel("File").setInputFiles(importFile);
    await dialog(page).getByRole("button", { name: "Import", exact: true }).click();
    await poll(() => dialog(page).getByRole("status").last().textContent()).toBe("Imported 0 of 2 prompts.");
    await poll(() => results.locator("tbody tr").allTextContents()).toEqual([expect.stringContaining("Skipped (slug exists)"), expect.stringContaining("Skipped (slug exists)")]);
    await dialog(page).locator("form").getByRole("button", { name: "Close" }).click();

    // An imported prompt holds the exported version, unpublished.
    await page.getByRole("link", { name: "Onboarding welcome (v2)" }).click();
    await page.waitForURL(/\/prompts\/[^/]+$/);
    await poll(() => page.locator("body").textContent()).toContain("Welcome aboard, {name}!");
  });

  it("downloads the table as CSV, one row per prompt shown", async () => {
    const { page } = pm;
    await page.goto(`${harness.site}/prompts`);
    await poll(() => shownSlugs(page).then((slugs) => slugs.length)).toBe(3);
    const file = await download(page, () => page.getByRole("button", { name: "Download CSV" }).click());
    expect(file.name).toMatch(/^prompts-\d{4}-\d{2}-\d{2}\.csv$/);
    const [header, ...lines] = file.text.trim().split(/\r?\n/);
    expect(header).toBe("id,slug,name,description,status,tags,development_version,staging_version,production_version,created_at,updated_at");
    expect(lines).toHaveLength(3);
    const welcome = lines.find((line) => line.includes(",onboarding-welcome-v2,"));
    expect(welcome).toMatch(/,Onboarding welcome \(v2\),/);
    // The import kept the tag the exported prompts carried.
    expect(welcome).toMatch(/,active,onboarding,/);
  });

  it("moves a prompt to another workspace, where it arrives unpublished, and archives it here", async () => {
    const { page } = pm;
    await select(page, ["Billing receipt"]);
    await page.getByRole("region", { name: "Bulk actions" }).getByRole("button", { name: "Move…" }).click();
    await poll(() => dialog(page).getByRole("heading").textContent()).toBe("Move 1 prompt");
    await dialog(page).getByLabel("To workspace").selectOption({ label: "Partner apps" });
    await dialog(page).getByRole("button", { name: "Move", exact: true }).click();
    await poll(() => toast(page).last().textContent()).toBe("Moved 1 prompt(s)");
    await poll(async () => (await shownSlugs(page)).sort()).toEqual(["onboarding-nudge-v2", "onboarding-welcome-v2"]);
    await filter(page, "Status").selectOption("archived");
    await poll(async () => (await shownSlugs(page)).sort()).toEqual(["billing-receipt", "onboarding-nudge", "onboarding-welcome"]);
    await filter(page, "Status").selectOption("active");

    await switchWorkspace(page, workspaceIds.partner);
    await poll(() => shownSlugs(page)).toEqual(["billing-receipt"]);
    await poll(() => page.locator("tbody tr").first().textContent()).toContain("Not published");
  });

  it("imports a YAML file of 100 prompts with 3 multi-line versions each, past what the API reads as YAML: the browser parses it and sends JSON", async () => {
    const { page } = pm;
    const body = (prompt: number, version: number) =>
      [`You help customers of {company} with ${prompt % 2 === 0 ? "billing" : "shipping"}.`, "", "Rules:", "- Answer in {locale}.", `- Never promise refunds: "escalate: true" (v${version}).`, "", "Customer: {question}"].join("\n");
    const prompts = Array.from({ length: 100 }, (_, prompt) => ({
      slug: `desk-${prompt}`,
      name: `Desk ${prompt}`,
      versions: Array.from({ length: 3 }, (_, version) => ({
        content: body(prompt, version + 1),
        variables: [
          { name: "company", type: "string", required: true },
          { name: "locale", type: "string", required: false, default: "en" },
          { name: "question", type: "string", required: true },
        ],
        model_config: { provider: "openai", model: "gpt-4o", temperature: 0.2 },
        changelog: `Version ${version + 1}`,
      })),
    }));
    writeFileSync(yamlFile, stringifyYaml({ xr2_export: 1, prompts }, { lineWidth: 0 }));
    // Sent as YAML, this text is past the API's bound on YAML parsing (30 000 tokens; the API test
    // of import-export checks that refusal): the dialog parses it here and sends JSON.
    await switchWorkspace(page, workspaceIds.support);
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await dialog(page).getByLabel("File").setInputFiles(yamlFile);
    await dialog(page).getByRole("button", { name: "Import", exact: true }).click();
    await expect.poll(() => dialog(page).getByRole("status").last().textContent(), { timeout: 30_000 }).toBe("Imported 100 of 100 prompts.");
    const results = dialog(page).getByRole("region", { name: "Import results" });
    await poll(() => results.locator("tbody tr").first().textContent()).toBe("desk-0Createdv1, v2, v3");
    await dialog(page).locator("form").getByRole("button", { name: "Close" }).click();
  });

  it("logged no browser error on the way", () => {
    expect(pm.errors).toEqual([]);
  });
});
