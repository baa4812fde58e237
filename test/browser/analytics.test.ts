// The dashboard and the experiment pages in the browser, against numbers the test makes itself:
// a workspace with a prompt, two published versions, event definitions, an API key and a running
// experiment (seeded over the API); 40 units fetch the prompt from the edge with a unit_id and
// send events with the trace_ids they got back; one playground run records LLM cost; the
// aggregation runs as a platform admin would run it. The dashboard must then show exactly those
// requests, conversions, cost per conversion, live counts, LLM cost, funnel and cohort, and the
// experiment page the per-variant units, exposures and conversions, the plain-words comparison
// and the not-enough-data state. A new experiment's weights must add up to 100 %. Every page
// passes axe in light, dark and at 375 px, with no browser error.
import { sql } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpDb } from "../../db/client.ts";
import { FAKE_LLM_KEYS } from "../../local/llm-providers/index.ts";
import { newId } from "../../workers/shared/src/ids.ts";
import { until } from "../support/http-client.ts";
import { captureViews, HAS_CHROMIUM, openPage, type WatchedPage } from "./support/browser.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

const UNITS = 40;

describe.skipIf(!HAS_CHROMIUM)("the dashboard and experiments in the browser", () => {
  let harness: SiteHarness;
  let watched: WatchedPage;
  const email = `analytics-${Date.now()}@example.com`;
  const password = "correct horse battery staple";
  let ws: { token: string; workspaceId: string };
  let promptId = "";
  let v1 = "";
  let v2 = "";
  let experimentId = "";
  let apiKey = "";
  /** Every get-prompt answer the test received (each is one request in the stats). */
  let requests = 0;
  const served: Array<{ index: number; unit: string; variant: string; versionId: string; traceId: string }> = [];
  let unit0ExtraVariant = "";
  let database: ReturnType<typeof createHttpDb>["db"];

  const getPrompt = async (query: string) => {
    const response = await fetch(`${harness.stack.urls.edge}/api/v1/get-prompt/welcome${query}`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(response.status).toBe(200);
    requests++;
    return (await response.json()) as { version_id: string; trace_id: string; variant?: string };
  };
  const sendEvents = async (events: unknown[]) => {
    const response = await fetch(`${harness.stack.urls.edge}/api/v1/events/batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ events }),
    });
    const text = await response.text();
    expect(response.status, text).toBe(202);
    expect((JSON.parse(text) as { results: Array<{ accepted: boolean }> }).results.every((result) => result.accepted), text).toBe(true);
  };

  const activated = () => served.filter((answer) => answer.index % 2 === 0);
  const converted = () => served.filter((answer) => answer.index % 4 === 0);
  const costed = () => served.filter((answer) => answer.index < 10);
  const eventCount = () => activated().length + converted().length + costed().length;
  const inVariant = (variant: string, list = served) => list.filter((answer) => answer.variant === variant).length;
  const onVersion = (versionId: string, list = served) => list.filter((answer) => answer.versionId === versionId).length;

  beforeAll(async () => {
    harness = await startSiteHarness();
    const { api } = harness;
    const account = await harness.signUp({ email, password, name: "Dana Analyst" }, "Growth analytics");
    ws = { token: account.token, workspaceId: account.workspaceId };

    const prompt = await api("POST", "/api/prompts", { ...ws, body: { slug: "welcome", name: "Welcome message" } });
    expect(prompt.status, JSON.stringify(prompt.body)).toBe(201);
    promptId = prompt.body.id;
    const first = await api("POST", `/api/prompts/${promptId}/versions`, { ...ws, body: { content: "Hello, {name}.", changelog: "Plain greeting" } });
    const second = await api("POST", `/api/prompts/${promptId}/versions`, { ...ws, body: { content: "Hey {name}! Glad you're here.", changelog: "Friendlier" } });
    expect([first.status, second.status]).toEqual([201, 201]);
    v1 = first.body.id;
    v2 = second.body.id;
    expect((await api("PUT", `/api/prompts/${promptId}/versions/${v1}/publish`, { ...ws, body: { environment: "production" } })).status).toBe(200);
    expect((await api("PUT", `/api/prompts/${promptId}/versions/${v2}/publish`, { ...ws, body: { environment: "staging" } })).status).toBe(200);
    for (const [eventName, category] of [
      ["activated", "engagement"],
      ["signup", "conversion"],
    ]) {
      const definition = await api("POST", "/api/event-definitions", { ...ws, body: { event_name: eventName, category, required_fields: [], optional_fields: [{ name: "plan", type: "string" }] } });
      expect(definition.status, JSON.stringify(definition.body)).toBe(201);
    }
    const key = await api("POST", "/api/product-api-keys", { ...ws, body: { name: "web app" } });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    apiKey = key.body.key;

    // The edge serves (and caches) the published version before the experiment exists.
    expect((await getPrompt("?unit_id=warm-up&var.name=Ann")).variant).toBeUndefined();
    const experiment = await api("POST", "/api/experiments", {
      ...ws,
      body: { prompt_id: promptId, environment: "production", name: "Friendlier greeting", primary_event: "signup", variants: [{ version_id: v1, weight: 50 }, { version_id: v2, weight: 50 }] },
    });
    expect(experiment.status, JSON.stringify(experiment.body)).toBe(201);
    experimentId = experiment.body.id;
    expect((await api("POST", `/api/experiments/${experimentId}/start`, ws)).status).toBe(200);
    // The start reaches the edge once its isolate cache expires.
    const assigned = await until(10_000, () => getPrompt("?unit_id=unit-0&var.name=Ann"), (body) => body.variant !== undefined);
    expect(assigned.variant).toBeDefined();
    unit0ExtraVariant = assigned.variant!;
    for (let index = 0; index < UNITS; index++) {
      const body = await getPrompt(`?unit_id=unit-${index}&var.name=Ann`);
      served.push({ index, unit: `unit-${index}`, variant: body.variant!, versionId: body.version_id, traceId: body.trace_id });
    }
    expect(served.every((answer) => answer.versionId === (answer.variant === "control" ? v1 : v2))).toBe(true);

    // Half the units activate; a second later every other one of those signs up (a funnel
    // step counts only after the previous one). Ten traces report what their LLM call cost.
    await sendEvents([
      ...activated().map((answer) => ({ trace_id: answer.traceId, event_name: "activated", fields: { plan: "free" } })),
      ...costed().map((answer) => ({ trace_id: answer.traceId, event_name: "generation", category: "llm", fields: { cost_usd: 0.25, tokens_in: 120, tokens_out: 30 } })),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await sendEvents(converted().map((answer) => ({ trace_id: answer.traceId, event_name: "signup", fields: { plan: "pro" } })));

    // One playground run on the fake OpenAI: the LLM cost by provider and model.
    expect((await api("PUT", "/api/llm/workspace-keys/openai", { ...ws, body: { api_key: FAKE_LLM_KEYS.openai } })).status).toBe(200);
    const run = await api("POST", "/api/llm/run", { ...ws, body: { prompt_id: promptId, version_id: v1, variables: { name: "Ada" }, provider: "openai", model: "gpt-4o-mini", stream: false } });
    expect(run.status, JSON.stringify(run.body)).toBe(200);

    // Everything stored (the live counters move as the consumer stores rows; the results count conversions)…
    const live = await until(
      20_000,
      () => api("GET", "/api/analytics/live", ws),
      (answer) => answer.body.minutes?.reduce((sum: number, minute: { requests: number }) => sum + minute.requests, 0) === requests && answer.body.minutes?.reduce((sum: number, minute: { events: number }) => sum + minute.events, 0) === eventCount(),
    );
    expect(live.body.minutes.reduce((sum: number, minute: { events: number }) => sum + minute.events, 0)).toBe(eventCount());
    const results = await until(
      20_000,
      () => api("GET", `/api/analytics/experiments/${experimentId}`, ws),
      (answer) => answer.body.variants?.reduce((sum: number, variant: { conversions: number }) => sum + variant.conversions, 0) === converted().length,
    );
    expect(results.body.variants.reduce((sum: number, variant: { exposures: number }) => sum + variant.exposures, 0)).toBe(UNITS + 1);
    // …then aggregated now, as a platform admin would (QStash does it every five minutes).
    database = createHttpDb({ databaseUrl: harness.stack.urls.database, localEndpoint: harness.stack.urls.neonEndpoint ?? undefined }).db;
    await database.execute(sql`update users set is_platform_admin = true where id = ${account.userId}`);
    const aggregated = await api("POST", "/api/admin/jobs/aggregate", { token: account.token, body: { workspace_ids: [ws.workspaceId] } });
    expect(aggregated.status, JSON.stringify(aggregated.body)).toBe(200);

    watched = await openPage(harness.browser);
  }, 180_000);
  afterAll(async () => {
    await watched?.context.close();
    await harness?.stop();
  });

  /** Charts redraw at a new width on the next animation frame. */
  const settled = (page: Page) => page.evaluate(() => new Promise((resolve) => (globalThis as unknown as { requestAnimationFrame: (callback: () => void) => void }).requestAnimationFrame(() => (globalThis as unknown as { requestAnimationFrame: (callback: () => void) => void }).requestAnimationFrame(() => resolve(null)))));
  const panel = (page: Page, title: string) => page.locator("section.chart-panel").filter({ has: page.getByRole("heading", { name: title, exact: true }) });
  /** The cells of a panel's data table, row by row. */
  const tableOf = async (page: Page, title: string) => {
    const section = panel(page, title);
    const details = section.locator("details.chart-table");
    if (!(await details.evaluate((element) => (element as unknown as { open: boolean }).open))) await details.locator("summary").click();
    return section.locator("details.chart-table tbody tr").evaluateAll((rows) => rows.map((row) => Array.from((row as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells, (cell) => (cell.textContent ?? "").trim())));
  };

  it("shows on the dashboard exactly the requests, events, conversions and costs that were sent", async () => {
    const { page } = watched;
    await page.goto(`${harness.site}/dashboard?range=24h&prompt=${promptId}`);
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/dashboard\?/);
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    await expect.poll(() => page.getByLabel("Prompt").locator("option:checked").textContent()).toBe("Welcome message");

    const kpi = (id: string) => page.locator(`[data-kpi="${id}"] dd`).textContent();
    await expect.poll(() => kpi("requests"), { timeout: 15_000 }).toBe(String(requests));
    expect(await kpi("conversions")).toBe(String(converted().length));
    expect(await kpi("error-rate")).toBe("0%");
    expect(await kpi("cost")).toBe("$2.50");
    expect(await kpi("cost-per-conversion")).toBe("$0.25");

    // Live counters, polled without a reload.
    await expect.poll(() => page.locator('[data-live="requests-60m"]').textContent(), { timeout: 15_000 }).toBe(String(requests));
    expect(await page.locator('[data-live="events-60m"]').textContent()).toBe(String(eventCount()));
    expect(await page.locator(".live-indicator").textContent()).toMatch(/^Live/);

    // The prompt's versions: v2 only ever served as the treatment.
    const versions = await tableOf(page, "Versions");
    const v2Requests = onVersion(v2) + (unit0ExtraVariant === "variant_1" ? 1 : 0);
    expect(versions.map((row) => [row[0], row[1], row[4]]).sort()).toEqual([
      ["v1", String(requests - v2Requests), String(converted().length - onVersion(v2, converted()))],
      ["v2", String(v2Requests), String(onVersion(v2, converted()))],
    ]);
    const usage = await tableOf(page, "Usage over time");
    expect(usage.reduce((sum, row) => sum + Number(row[1]), 0)).toBe(requests);

    // LLM cost by provider and model: the one playground run.
    const llm = await tableOf(page, "LLM cost by provider and model");
    expect(llm.map((row) => row.slice(0, 3))).toEqual([["OpenAI", "gpt-4o-mini", "1"]]);

    // The funnel (activated → signup, the definitions' default order) per version.
    await expect.poll(() => panel(page, "Funnel").locator(".funnel-version").count(), { timeout: 15_000 }).toBe(2);
    const funnel = await tableOf(page, "Funnel");
    const step = (version: string, event: string) => funnel.find((row) => row[0] === version && row[2] === event)?.[3];
    expect(step("v2", "activated")).toBe(String(onVersion(v2, activated())));
    expect(step("v2", "signup")).toBe(String(onVersion(v2, converted())));
    expect(step("v1", "activated")).toBe(String(onVersion(v1, activated())));
    expect(step("v1", "signup")).toBe(String(onVersion(v1, converted())));

    // Cohorts: today's units (the warm-up unit too), and how many activated the same day.
    await expect.poll(() => panel(page, "Cohorts").locator(".retention-grid tbody tr").count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const cohorts = await tableOf(page, "Cohorts");
    const today = cohorts.find((row) => row[2] === "0");
    expect(today?.[1]).toBe(String(UNITS + 1));
    expect(today?.[3]).toBe(String(activated().length));

    // Every chart panel offers its table and a CSV export.
    const panels = page.locator("section.chart-panel");
    for (let index = 0; index < (await panels.count()); index++) {
      const section = panels.nth(index);
      if ((await section.locator("details.chart-table").count()) === 0) continue;
      expect(await section.getByRole("button", { name: /as CSV$/ }).count()).toBe(1);
    }
    const download = page.waitForEvent("download");
    await panel(page, "Usage over time").getByRole("button", { name: /as CSV$/ }).click();
    expect((await download).suggestedFilename()).toMatch(/^usage-.*\.csv$/);

    // Close the tables again for the screenshots.
    while ((await page.locator("details.chart-table[open]").count()) > 0) await page.locator("details.chart-table[open] > summary").first().click();
    expect(await captureViews(page, "dashboard", async (current) => {
      await current.locator('[data-kpi="requests"] dd').waitFor();
      await settled(current);
    })).toEqual([]);
  });

  it("shows the experiment's per-variant results, in plain words, and says there is not enough data yet", async () => {
    const { page } = watched;
    await page.goto(`${harness.site}/experiments`);
    await page.getByRole("link", { name: "Friendlier greeting" }).click();
    await page.waitForURL(new RegExp(`/experiments/${experimentId}$`));
    await page.getByRole("heading", { name: "Friendlier greeting", level: 1 }).waitFor();
    expect(await page.locator(".experiment-status").first().textContent()).toBe("Running");

    const rates = await tableOf(page, "Conversion rate by variant");
    const exposures = (variant: string) => inVariant(variant) + (unit0ExtraVariant === variant ? 1 : 0);
    expect(rates.map((row) => [row[0], row[1], row[3], row[4], row[5]])).toEqual([
      ["Control (v1)", "v1", String(inVariant("control")), String(exposures("control")), String(inVariant("control", converted()))],
      ["Variant B (v2)", "v2", String(inVariant("variant_1")), String(exposures("variant_1")), String(inVariant("variant_1", converted()))],
    ]);
    const rate = (variant: string) => inVariant(variant, converted()) / inVariant(variant);
    expect(rates[1]![6]).toBe(new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 }).format(rate("variant_1")));

    await expect.poll(() => page.locator(".not-enough-data").textContent()).toMatch(/Not enough data yet\..*at least 100 units/);
    expect(await page.locator(".srm-banner").count()).toBe(0);
    const sentence = (await page.locator(".experiment-sentence").first().textContent()) ?? "";
    if (rate("control") > 0) {
      expect(sentence).toMatch(/^Variant B \(v2\) converts (.* (better|worse) than|exactly like) Control \(v1\)/);
      expect(sentence).toMatch(/chance a difference this large is noise — (not )?significant at the 95 % level/);
    } else expect(sentence).toMatch(/Control \(v1\) has no conversions yet/);

    // The traffic split against the 50/50 weights.
    const split = await tableOf(page, "Traffic split");
    expect(split.map((row) => [row[1], row[3]])).toEqual([
      [String(inVariant("control")), "50%"],
      [String(inVariant("variant_1")), "50%"],
    ]);

    while ((await page.locator("details.chart-table[open]").count()) > 0) await page.locator("details.chart-table[open] > summary").first().click();
    expect(await captureViews(page, "experiment", async (current) => {
      await current.locator(".experiment-sentence").first().waitFor();
      await settled(current);
    })).toEqual([]);
  });

  it("tells the PM what to send when a range has no data", async () => {
    const { page } = watched;
    await page.goto(`${harness.site}/dashboard?range=custom&from=2025-01-06&to=2025-01-12&prompt=${promptId}`);
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    const usage = panel(page, "Usage over time");
    await expect.poll(() => usage.textContent(), { timeout: 15_000 }).toMatch(/No requests in this range yet\. Fetch welcome from your app with get-prompt \(see the snippet\), then send events to POST \/api\/v1\/events with the trace_id it returns/);
    expect(await usage.getByRole("link", { name: "see the snippet" }).getAttribute("href")).toBe(`/prompts/${promptId}?tab=code`);
    expect(await page.locator('[data-kpi="requests"] dd').textContent()).toBe("0");
    expect(await usage.locator("details.chart-table").count()).toBe(0);
  });

  it("shows how apps were served: the edge's answers and the fallbacks an SDK reported", async () => {
    const { page } = watched;
    // An SDK that could not reach xR2 served the app's own text twice, and says so once it can.
    const fallback = () => ({ trace_id: newId("trace"), origin: "fallback", slug: "welcome", environment: "production", served_at: new Date().toISOString() });
    const reported = await fetch(`${harness.stack.urls.edge}/api/v1/exposures`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ exposures: [fallback(), fallback()] }),
    });
    expect(reported.status, await reported.clone().text()).toBe(202);
    const range = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    const stored = await until(10_000, () => harness.api("GET", `/api/analytics/serving?from=${range.from}&to=${range.to}`, ws), (answer) => answer.body.without_xr2 === 2);
    expect(stored.body.without_xr2).toBe(2);

    await page.goto(`${harness.site}/dashboard?range=24h&prompt=${promptId}`);
    await page.getByRole("heading", { name: "How apps were served" }).waitFor();
    await expect.poll(() => panel(page, "How apps were served").textContent(), { timeout: 15_000 }).toContain(`${requests + 2} answers; 2 (`);
    const rows = await tableOf(page, "How apps were served");
    expect(rows.map((row) => row.slice(0, 2))).toEqual([
      ["Edge, rendered by get-prompt", String(requests)],
      ["SDK, fetched just now", "0"],
      ["SDK, from its cache", "0"],
      ["SDK, stale copy (xR2 unreachable)", "0"],
      ["SDK, bundle shipped with the app", "0"],
      ["App's own fallback text", "2"],
    ]);
    expect(await panel(page, "How apps were served").textContent()).toContain("Most served from a fallback: welcome (2)");
  });

  it("warns of a sample-ratio mismatch when the units do not split as the weights say", async () => {
    const { page } = watched;
    const { api } = harness;
    const created = await api("POST", "/api/experiments", {
      ...ws,
      body: { prompt_id: promptId, environment: "staging", name: "Broken split", primary_event: "signup", variants: [{ version_id: v2, weight: 1 }, { version_id: v1, weight: 1 }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await api("POST", `/api/experiments/${created.body.id}/start`, ws)).status).toBe(200);
    // 300 units in the control and 150 in the treatment of a 50/50 split: an assignment bug.
    await database.execute(sql`
      insert into exposures (trace_id, workspace_id, prompt_id, version_id, environment, variant, experiment_id, unit_id, latency_ms, status, served_at)
      select 'tr_srm_' || n, ${ws.workspaceId}, ${promptId}, case when n <= 300 then ${v2} else ${v1} end, 'staging',
             case when n <= 300 then 'control' else 'variant_1' end, ${created.body.id}, 'srm-unit-' || n, 5, 'success', now()
      from generate_series(1, 450) as n`);
    await page.goto(`${harness.site}/experiments/${created.body.id}`);
    await page.getByRole("heading", { name: "Broken split", level: 1 }).waitFor();
    await expect.poll(() => page.locator(".srm-banner").textContent()).toMatch(/Sample ratio mismatch — don't trust these results yet\..*Control \(v2\) 66\.7% \(expected 50%\), Variant B \(v1\) 33\.3% \(expected 50%\)/);
    expect(await page.locator(".not-enough-data").textContent()).toMatch(/Only 0 conversions so far/);
    const split = await tableOf(page, "Traffic split");
    expect(split.map((row) => row.slice(1))).toEqual([
      ["300", "66.7%", "50%"],
      ["150", "33.3%", "50%"],
    ]);
  });

  it("creates an experiment only when the weights add up to 100 %", async () => {
    const { page } = watched;
    await page.goto(`${harness.site}/experiments`);
    await page.getByRole("link", { name: "New experiment" }).first().click();
    await page.getByRole("heading", { name: "New experiment", level: 1 }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Staging copy test");
    await page.getByLabel("Environment").selectOption("staging");
    await expect.poll(() => page.getByLabel("Version for the control").inputValue()).toBe(v2);
    await page.getByLabel("Version for the control").selectOption(v1);
    await page.getByLabel("Version for variant B").selectOption(v2);
    expect(await page.getByLabel("Primary metric (event)").inputValue()).toBe("signup");
    await page.getByLabel("Traffic for the control (%)").fill("70");
    await page.getByLabel("Traffic for variant B (%)").fill("20");
    await expect.poll(() => page.locator("[data-total]").textContent()).toMatch(/Total: 90 %.*must be 100 % \(10 missing\)/);
    await page.getByRole("button", { name: "Save as draft" }).click();
    await page.getByText("Fix the fields marked above.").waitFor();
    expect(await page.locator("[data-total]").getAttribute("data-total")).toBe("90");

    await page.getByLabel("Traffic for variant B (%)").fill("30");
    await expect.poll(() => page.locator("[data-total]").textContent()).toMatch(/Total: 100 % ✓/);
    expect(await captureViews(page, "experiment-new", (current) => current.getByRole("heading", { name: "Variants and traffic" }).waitFor())).toEqual([]);
    await page.getByRole("button", { name: "Save as draft" }).click();
    await page.waitForURL(/\/experiments\/exp_[^/]+$/);
    await page.getByRole("heading", { name: "Staging copy test", level: 1 }).waitFor();
    await page.getByText("Not started yet").waitFor();
    expect(await page.locator(".page-header").textContent()).toContain("v1 70 % · v2 30 %");
    expect(await page.getByRole("button", { name: "Start experiment" }).count()).toBe(1);
  });

  it("logged no browser error on the way", () => {
    expect(watched.errors).toEqual([]);
  });
});
