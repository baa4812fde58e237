/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (no browser
 * download), a page that records every console error and uncaught exception (the walk must end
 * with none), screenshots in light, dark and at 375 px written to test-results/screenshots, and
 * an axe-core check that fails on serious or critical violations.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import { ROOT } from "../../../local/stack.ts";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Browser tests need Debian's Chromium (`apt-get install -y chromium`); .ci/run installs it. */
export const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);
export const SCREENSHOT_DIR = join(ROOT, "test-results/screenshots");

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen so far, with the page URL they happened on. */
  errors: string[];
}

export interface PageOptions {
  colorScheme?: "light" | "dark";
  width?: number;
  height?: number;
}

export async function openPage(browser: Browser, options: PageOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
    colorScheme: options.colorScheme ?? "light",
    permissions: ["clipboard-read", "clipboard-write"],
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`${page.url()}: console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`${page.url()}: uncaught ${error.name}: ${error.message}`));
  return { context, page, errors };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.x A/AA rules). */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // The callbacks run in the page; the test project has no DOM types, hence the globalThis casts.
  // Evaluated through DevTools, not added as a <script>: the site's CSP refuses inline scripts without its nonce.
  if (!(await page.evaluate(() => "axe" in globalThis))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as { document: unknown; axe: { run: (context: unknown, options: unknown) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } };
    const result = await page.axe.run(page.document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.map((node) => JSON.stringify(node.target)) }));
  });
  return violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
}

/** A full-page screenshot at test-results/screenshots/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Screenshots of the page as it is now in light, dark and at 375 px wide, each checked with axe.
 * The same page (and so the same session) is re-rendered with the other colour scheme and
 * width, then put back; `ready` waits for the page to settle after each change.
 */
export async function captureViews(page: Page, name: string, ready: (page: Page) => Promise<void> = async () => {}): Promise<Array<AxeViolation & { view: string }>> {
  const original = page.viewportSize() ?? { width: 1280, height: 860 };
  const views: Array<{ view: string; colorScheme: "light" | "dark"; size: { width: number; height: number } }> = [
    { view: "light", colorScheme: "light", size: original },
    { view: "dark", colorScheme: "dark", size: original },
    { view: "375px", colorScheme: "light", size: { width: 375, height: 812 } },
  ];
  const violations: Array<AxeViolation & { view: string }> = [];
  try {
    for (const { view, colorScheme, size } of views) {
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize(size);
      await ready(page);
      await screenshot(page, `${name}-${view}`);
      for (const violation of await seriousAccessibilityViolations(page)) violations.push({ ...violation, view });
    }
  } finally {
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize(original);
  }
  return violations;
}

/** expect.poll with room for a loaded machine (its default gives up after one second). */
export const poll = <T>(value: () => T | Promise<T>) => expect.poll(value, { timeout: 15_000 });

/** The open dialog of the page. */
export const openDialog = (page: Page) => page.locator("dialog[open]");

/** The texts of the page's toasts, newest last. */
export const toasts = (page: Page) => page.locator(".toast > span");

/** What `click` makes the page download: its suggested name and its text. */
export async function downloadedFile(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const pending = page.waitForEvent("download");
  await click();
  const file = await pending;
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, "utf8") };
}
