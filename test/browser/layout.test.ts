// Long names never widen a page, and the daily pages fit a phone. The API caps a prompt's name at
// 200 characters (the "5,000-character name" is more than any prompt can have), so the
// seeded prompt takes the longest of everything: a 200-character name with no space to break at,
// a 128-character slug, a 2,000-character unbroken description, 64-character tags, a 64-character
// variable name with a long unbroken default and a long unbroken template line. Its page, the
// prompts list and the dashboard must not scroll sideways at desktop width or at 375 px (tables
// may scroll inside their own container, the page may not).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { HAS_CHROMIUM, openPage, poll, screenshot, type WatchedPage } from "./support/browser.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

describe.skipIf(!HAS_CHROMIUM)("layout with the longest names, at desktop and phone widths", () => {
  let harness: SiteHarness;
  let pm: WatchedPage;
  const stamp = Date.now();
  const email = `wide-${stamp}@example.com`;
  const password = "correct horse battery staple";
  const name = `Onboarding${"W".repeat(190)}`;
  const slug = `long-${"x".repeat(123)}`;
  const description = "D".repeat(2000);
  const tags = ["t".repeat(64), `u${"v".repeat(63)}`, `w${"y".repeat(63)}`];
  const variable = `v${"a".repeat(63)}`;
  let promptId = "";

  beforeAll(async () => {
    harness = await startSiteHarness();
    const { api } = harness;
    const { token, workspaceId } = await harness.signUp({ email, password, name: "Wide Names" }, `Workspace ${"N".repeat(80)}`);
    const created = await api("POST", "/api/prompts", { token, workspaceId, body: { slug, name, description, tags } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    promptId = created.body.id as string;
    const content = `Hello {${variable}}, ${"L".repeat(600)}`;
    const version = await api("POST", `/api/prompts/${promptId}/versions`, {
      token,
      workspaceId,
      body: { content, variables: [{ name: variable, type: "string", default: "Q".repeat(300), description: "E".repeat(400) }] },
    });
    expect(version.status, JSON.stringify(version.body)).toBe(201);
    // A second, ordinary prompt, so the list has rows of both kinds.
    const other = await api("POST", "/api/prompts", { token, workspaceId, body: { slug: "welcome", name: "Welcome" } });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    pm = await openPage(harness.browser);
  }, 180_000);
  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(async () => {
      await screenshot(pm.page, `failed-layout-${task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(() => {});
    });
  });
  afterAll(async () => {
    await pm?.context.close();
    await harness?.stop();
  });

  /**
   * How far the page scrolls sideways, in CSS pixels ("0": it fits), and when it does, the
   * innermost elements reaching past the viewport's right edge, to say what widened it.
   */
  const overflow = (page: Page) =>
    page.evaluate(() => {
      interface Box { tagName: string; className: unknown; parentElement: Box | null; children: ArrayLike<Box>; getBoundingClientRect(): { right: number } }
      const getComputedStyle = (globalThis as unknown as { getComputedStyle(element: Box): { overflowX: string } }).getComputedStyle;
      const document = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelectorAll(selector: string): ArrayLike<Box> } }).document;
      const root = document.documentElement;
      const excess = root.scrollWidth - root.clientWidth;
      if (excess <= 0) return "0";
      const past = (element: Box) => element.getBoundingClientRect().right > root.clientWidth + 1;
      // Inside a scroller that fits (a table's own container), reaching past the edge is fine.
      const scrolled = (element: Box) => {
        for (let parent = element.parentElement; parent; parent = parent.parentElement) {
          if (getComputedStyle(parent).overflowX !== "visible" && !past(parent)) return true;
        }
        return false;
      };
      const culprits = Array.from(document.querySelectorAll("main *"))
        .filter((element) => past(element) && !scrolled(element) && !Array.from(element.children).some(past))
        .slice(0, 3)
        .map((element) => `${element.tagName.toLowerCase()}.${String(element.className).replace(/\s+/g, ".")}`);
      return `${excess} (${culprits.join(", ")})`;
    });

  const signIn = async (page: Page) => {
    await page.goto(`${harness.site}/prompts`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/prompts$/);
  };

  const pages = [
    { path: () => "/prompts", ready: (page: Page) => poll(() => page.locator("tbody tr").count()).toBeGreaterThanOrEqual(2) },
    {
      path: () => `/prompts/${promptId}`,
      // The title, then the editor with its template, variables table and preview (they load after it).
      ready: async (page: Page) => {
        await poll(() => page.locator("main h1").textContent()).toBe(name);
        await poll(() => page.locator(".variables-table tbody input").first().inputValue()).toBe(variable);
        await poll(() => page.locator(".cm-content").first().textContent()).toContain("Hello {");
      },
    },
    { path: () => "/dashboard", ready: (page: Page) => poll(() => page.locator("main h1").count()).toBeGreaterThan(0) },
  ];

  it("the prompt with the longest name, slug, description and tags stays within a desktop viewport", async () => {
    const { page } = pm;
    await signIn(page);
    await page.goto(`${harness.site}/prompts/${promptId}`);
    await pages[1]!.ready(page);
    // The name is shown whole or cut with an ellipsis whose title holds it all.
    await poll(() => page.locator("main code", { hasText: slug }).count()).toBeGreaterThan(0);
    await poll(() => page.locator(`main .tag-chip[title="${tags[0]}"]`).count()).toBe(1);
    await poll(() => overflow(page)).toBe("0");
    await screenshot(page, "layout-long-name-desktop");
    for (const { path, ready } of [pages[0]!, pages[2]!]) {
      await page.goto(`${harness.site}${path()}`);
      await ready(page);
      await poll(async () => `${path()}: ${await overflow(page)}`).toBe(`${path()}: 0`);
    }
  });

  it("/prompts, /prompts/{id} and /dashboard have no horizontal scroll at 375 px", async () => {
    const { page } = pm;
    await page.setViewportSize({ width: 375, height: 812 });
    for (const { path, ready } of pages) {
      await page.goto(`${harness.site}${path()}`);
      await ready(page);
      await poll(async () => `${path()}: ${await overflow(page)}`).toBe(`${path()}: 0`);
      await screenshot(page, `layout-375${path().replace(/\W+/g, "-")}`);
    }
    expect(pm.errors).toEqual([]);
  });
});
