// Robustness of the PM's daily pages (issue 17, items 5 and 6), in the browser: the preview keeps
// the sample values typed into it while a variable row is edited (the text never lands in the
// Default field); a chart whose data is one bucket draws a visible mark; the headline cards say
// how fresh they are and which events count as conversions; the playground's price caption and
// estimate follow the chosen model, and a token count is labelled exact only when it is.
import { sql } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHttpDb } from "../../db/client.ts";
import { FAKE_LLM_KEYS } from "../../local/llm-providers/index.ts";
import { until } from "../support/http-client.ts";
import { HAS_CHROMIUM, openPage, poll, screenshot, type WatchedPage } from "./support/browser.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

describe.skipIf(!HAS_CHROMIUM)("robustness of the prompt page, the dashboard and the playground", () => {
  let harness: SiteHarness;
  let watched: WatchedPage;
  const email = `robust-${Date.now()}@example.com`;
  const password = "correct horse battery staple";
  let ws: { token: string; workspaceId: string };
  let greeterId = "";
  let greeterVersion = "";
  let welcomeId = "";

  beforeAll(async () => {
    harness = await startSiteHarness();
    const { api } = harness;
    const account = await harness.signUp({ email, password, name: "Robin Robust" }, "Robust pages");
    ws = { token: account.token, workspaceId: account.workspaceId };

    // A draft with two variables, for the preview and the playground.
    const greeter = await api("POST", "/api/prompts", { ...ws, body: { slug: "greeter", name: "Greeter" } });
    expect(greeter.status, JSON.stringify(greeter.body)).toBe(201);
    greeterId = greeter.body.id;
    const draft = await api("POST", `/api/prompts/${greeterId}/versions`, {
      ...ws,
      body: {
        messages: [
          { role: "system", content: "You are terse" },
          { role: "user", content: "say hello to {name} from {city}" },
        ],
        variables: [
          { name: "name", type: "string", required: false },
          { name: "city", type: "string", required: false },
        ],
        model_config: { provider: "openai", model: "gpt-4o-mini", max_tokens: 50 },
      },
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    greeterVersion = draft.body.id;

    // A published prompt fetched once from the edge: one hour of data, aggregated.
    const welcome = await api("POST", "/api/prompts", { ...ws, body: { slug: "welcome", name: "Welcome" } });
    welcomeId = welcome.body.id;
    const version = await api("POST", `/api/prompts/${welcomeId}/versions`, { ...ws, body: { content: "Hello, {name}." } });
    expect((await api("PUT", `/api/prompts/${welcomeId}/versions/${version.body.id}/publish`, { ...ws, body: { environment: "production" } })).status).toBe(200);
    for (const [eventName, category] of [
      ["activated", "engagement"],
      ["signup", "conversion"],
      ["upgrade", "conversion"],
    ]) {
      const definition = await api("POST", "/api/event-definitions", { ...ws, body: { event_name: eventName, category, required_fields: [], optional_fields: [] } });
      expect(definition.status, JSON.stringify(definition.body)).toBe(201);
    }
    const key = await api("POST", "/api/product-api-keys", { ...ws, body: { name: "web app" } });
    const served = await fetch(`${harness.stack.urls.edge}/api/v1/get-prompt/welcome?var.name=Ann`, { headers: { authorization: `Bearer ${key.body.key}` } });
    expect(served.status).toBe(200);
    const database = createHttpDb({ databaseUrl: harness.stack.urls.database, localEndpoint: harness.stack.urls.neonEndpoint ?? undefined }).db;
    const stored = await until(20_000, async () => (await database.execute<{ count: number }>(sql`select count(*)::int as count from exposures where workspace_id = ${ws.workspaceId}`)).rows[0]?.count, (count) => count === 1);
    expect(stored).toBe(1);
    await database.execute(sql`update users set is_platform_admin = true where id = ${account.userId}`);
    const aggregated = await api("POST", "/api/admin/jobs/aggregate", { token: account.token, body: { workspace_ids: [ws.workspaceId] } });
    expect(aggregated.status, JSON.stringify(aggregated.body)).toBe(200);

    expect((await api("PUT", "/api/llm/workspace-keys/openai", { ...ws, body: { api_key: FAKE_LLM_KEYS.openai } })).status).toBe(200);
    expect((await api("PUT", "/api/llm/workspace-keys/anthropic", { ...ws, body: { api_key: FAKE_LLM_KEYS.anthropic } })).status).toBe(200);

    watched = await openPage(harness.browser);
    const { page } = watched;
    await page.goto(`${harness.site}/sign-in`);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
  }, 180_000);
  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(async () => {
      await screenshot(watched.page, `failed-robust-${task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(() => {});
    });
  });
  afterAll(async () => {
    await watched?.context.close();
    await harness?.stop();
  });

  it("keeps the sample values typed in the preview while a variable row is edited", async () => {
    const { page } = watched;
    await page.goto(`${harness.site}/prompts/${greeterId}`);
    const sample = page.locator("#sample-name");
    await sample.waitFor();
    await sample.click();
    await page.keyboard.type("Ada");
    // Edit the variable row (its Default), then go back to the sample and type on.
    const defaultField = page.getByLabel("Variable 1 default");
    await defaultField.click();
    await page.keyboard.type("Guest");
    await sample.click();
    await page.keyboard.type(" Lovelace");
    await page.getByLabel("Variable 2 required").check();
    await sample.click();
    await page.keyboard.press("End");
    await page.keyboard.type("!");
    expect(await page.locator("#sample-name").inputValue()).toBe("Ada Lovelace!");
    expect(await defaultField.inputValue()).toBe("Guest");
    // City is required now: its sample, typed, completes the preview.
    await page.locator("#sample-city").click();
    await page.keyboard.type("Paris");
    expect(await page.locator("#sample-city").inputValue()).toBe("Paris");
    await poll(() => page.getByTestId("preview-text").textContent()).toContain("say hello to Ada Lovelace! from Paris");
  });

  /** The chart panel titled `title`. */
  const panel = (page: Page, title: string) => page.locator("section.chart-panel").filter({ has: page.getByRole("heading", { name: title, exact: true }) });

  it("draws a chart whose data is one bucket, and says how fresh the figures are and what counts as a conversion", async () => {
    const { page } = watched;
    // Seven days of hourly buckets, one of which has requests (and so a latency).
    await page.goto(`${harness.site}/dashboard?range=7d&prompt=${welcomeId}`);
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    await poll(() => page.locator('[data-kpi="requests"] dd').textContent()).toBe("1");
    const latency = panel(page, "Latency");
    await latency.locator("svg").first().waitFor();
    // A visible mark: a dot, or a path that covers some length.
    await poll(() => latency.locator("svg circle").count()).toBeGreaterThan(0);

    const freshness = page.locator(".kpi-freshness");
    await poll(() => freshness.textContent()).toMatch(/^As of \d{1,2}:\d{2}/);
    const conversions = page.locator('[data-kpi="conversions"] .kpi-note');
    expect(await conversions.textContent()).toBe("Counts signup, upgrade (events in the Conversion category)");
  });

  it("moves the price caption and the estimate with the chosen model, and calls a count exact only when it is", async () => {
    const { page } = watched;
    await page.goto(`${harness.site}/playground?prompt=${greeterId}&version=${greeterVersion}`);
    await page.getByRole("heading", { name: "Playground" }).waitFor();
    await poll(() => page.getByLabel("Version").inputValue()).toBe(greeterVersion);
    const group = page.getByRole("group", { name: "Model", exact: true });
    const caption = group.locator(".field-hint");
    const estimate = page.locator(".llm-estimate");
    await group.getByLabel("Provider").selectOption("openai");
    await group.getByLabel("Model", { exact: true }).selectOption("gpt-4o-mini");
    await poll(() => caption.textContent()).toMatch(/^gpt-4o-mini · \$0\.15 in/);
    await poll(() => estimate.textContent()).toContain("for OpenAI · gpt-4o-mini");
    expect(await estimate.locator(".badge").textContent()).toBe("Exact count");

    await group.getByLabel("Model", { exact: true }).selectOption("gpt-4o");
    await poll(() => caption.textContent()).toMatch(/^gpt-4o · \$2\.5 in/);
    await poll(() => estimate.textContent()).toContain("for OpenAI · gpt-4o ");
    expect(await estimate.locator(".badge").textContent()).toBe("Exact count");

    // A model without a known tokenizer: no stale figures while it is typed, then an estimate.
    await group.getByLabel("Model", { exact: true }).selectOption({ label: "Other model id…" });
    await poll(() => caption.textContent()).toBe("Type the model id the provider serves.");
    expect(await estimate.count()).toBe(0);
    await group.getByLabel("Model id").fill("my-finetune");
    await poll(() => caption.textContent()).toMatch(/Not in the price table/);
    await poll(() => estimate.textContent()).toContain("for OpenAI · my-finetune");
    expect(await estimate.locator(".badge").textContent()).toBe("Estimate");

    // Anthropic's own count is documented as an estimate: never labelled exact.
    await group.getByLabel("Provider").selectOption("anthropic");
    await group.getByLabel("Model", { exact: true }).selectOption("claude-haiku-4-5");
    await poll(() => caption.textContent()).toMatch(/^claude-haiku-4-5 · \$/);
    await poll(() => estimate.textContent()).toContain("for Anthropic · claude-haiku-4-5");
    expect(await estimate.locator(".badge").textContent()).toBe("Estimate");
    expect(await estimate.textContent()).toMatch(/counted by Anthropic/);
  });

  it("logged no browser error on the way", () => {
    expect(watched.errors).toEqual([]);
  });
});
