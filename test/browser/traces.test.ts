// The trace explorer in the browser: an app fetches a prompt from the edge (a real get-prompt
// call with values and a unit id) and sends an event with the trace_id it got back, plus one
// event under a trace id xR2 never served. Both travel through the events queue; the PM finds
// the first under its trace within seconds (the list is refreshed by polling, never after a
// fixed sleep), opens the trace and sees the answer — version, values, the text it rendered,
// latency — with the event; the second is listed as unattributed and its trace says no answer
// was found. Filters stay in the URL; the dashboard and the request log link here. Both pages
// pass axe in light, dark and at 375 px, with no browser error.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureViews, HAS_CHROMIUM, openPage, type WatchedPage } from "./support/browser.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

const ORPHAN_TRACE = "tr_never_served_by_xr2";

describe.skipIf(!HAS_CHROMIUM)("the trace explorer in the browser", () => {
  let harness: SiteHarness;
  let watched: WatchedPage;
  const email = `traces-${Date.now()}@example.com`;
  const password = "correct horse battery staple";
  let ws: { token: string; workspaceId: string };
  let apiKey = "";
  let keyId = "";
  let traceId = "";

  const sendEvent = async (event: Record<string, unknown>) => {
    const response = await fetch(`${harness.stack.urls.edge}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(event),
    });
    expect(response.status, await response.clone().text()).toBe(202);
  };

  beforeAll(async () => {
    harness = await startSiteHarness();
    const { api } = harness;
    ws = await harness.signUp({ email, password, name: "Tess Tracer" }, "Support bot");
    const prompt = await api("POST", "/api/prompts", { ...ws, body: { slug: "greeting", name: "Greeting" } });
    expect(prompt.status, JSON.stringify(prompt.body)).toBe(201);
    const version = await api("POST", `/api/prompts/${prompt.body.id}/versions`, {
      ...ws,
      body: {
        content: "Hello {name}, welcome to the {plan} plan.",
        variables: [
          { name: "name", type: "string", required: true },
          { name: "plan", type: "string", required: false, default: "Free" },
        ],
      },
    });
    expect(version.status, JSON.stringify(version.body)).toBe(201);
    expect((await api("PUT", `/api/prompts/${prompt.body.id}/versions/${version.body.id}/publish`, { ...ws, body: { environment: "production" } })).status).toBe(200);
    const key = await api("POST", "/api/product-api-keys", { ...ws, body: { name: "support widget" } });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    apiKey = key.body.key;
    keyId = key.body.id;

    // The app: one get-prompt call to the edge, then events with its trace_id.
    const answer = await fetch(`${harness.stack.urls.edge}/api/v1/get-prompt/greeting?unit_id=user-42&var.name=Ada`, { headers: { authorization: `Bearer ${apiKey}` } });
    const served = (await answer.json()) as { trace_id: string; content: string };
    expect(answer.status, JSON.stringify(served)).toBe(200);
    expect(served.content).toBe("Hello Ada, welcome to the Free plan.");
    traceId = served.trace_id;
    await sendEvent({ trace_id: traceId, event_name: "ticket_resolved", fields: { minutes: 4 } });
    await sendEvent({ trace_id: ORPHAN_TRACE, event_name: "ticket_opened" });

    watched = await openPage(harness.browser);
  }, 180_000);
  afterAll(async () => {
    await watched?.context.close();
    await harness?.stop();
  });

  const signIn = async (page: Page, next: string) => {
    await page.goto(`${harness.site}${next}`);
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
  };
  /** The list's rows of a trace, refreshed until `count` of them have arrived (events come through a queue). */
  const rowsArrive = async (page: Page, selector: string, count: number) => {
    await expect
      .poll(
        async () => {
          await page.getByRole("button", { name: /^Refresh/ }).click();
          await page.getByRole("button", { name: "Refresh", exact: true }).waitFor();
          return page.locator(selector).count();
        },
        { timeout: 20_000 },
      )
      .toBe(count);
  };

  it("finds the event sent with a get-prompt answer's trace id under that trace, and shows the answer it followed", async () => {
    const { page } = watched;
    await signIn(page, "/traces");
    await page.waitForURL(/\/traces$/);
    await page.getByRole("heading", { name: "Traces", level: 1 }).waitFor();

    // The trace id filter goes into the URL, so the view can be shared.
    await page.getByLabel("Trace id").fill(traceId);
    await page.getByLabel("Trace id").press("Enter");
    await page.waitForURL((url) => url.searchParams.get("trace") === traceId);
    await rowsArrive(page, `tr[data-trace="${traceId}"]`, 2);
    expect(await page.locator(`tr[data-kind="event"][data-trace="${traceId}"] td`).nth(1).textContent()).toBe("ticket_resolved");
    const answerRow = page.locator(`tr[data-kind="exposure"][data-trace="${traceId}"]`);
    expect(await answerRow.locator(".badge").first().textContent()).toBe("Served");
    expect(await answerRow.locator("td.trace-prompt").textContent()).toContain("Greeting v1");
    expect(await page.locator(`tr[data-kind="event"][data-trace="${traceId}"] .badge`).first().textContent()).toBe("Attributed");
    // Reloaded, the page keeps the filter.
    await page.reload();
    await expect.poll(() => page.getByLabel("Trace id").inputValue()).toBe(traceId);
    await expect.poll(() => page.locator(`tr[data-trace="${traceId}"]`).count()).toBe(2);
    expect(await captureViews(page, "traces-list", async (current) => void (await current.locator(`tr[data-trace="${traceId}"]`).first().waitFor()))).toEqual([]);

    await answerRow.getByRole("link", { name: traceId }).click();
    await page.waitForURL(new RegExp(`/traces/${traceId}$`));
    await page.getByRole("heading", { name: "The answer" }).waitFor();
    expect(await page.locator('[data-field="version"]').textContent()).toBe("v1");
    expect(await page.locator('[data-field="rendered"]').textContent()).toBe("Hello Ada, welcome to the Free plan.");
    expect(await page.locator('[data-field="latency"]').textContent()).toMatch(/^\d[\d,]* ms$/);
    const values = await page.locator("table.trace-values tbody tr").evaluateAll((rows) => rows.map((row) => (row.textContent ?? "").trim()));
    expect(values).toEqual(["nameAda", "planFree"]);
    expect(await page.locator(".trace-facts").textContent()).toContain("user-42");
    expect(await page.locator(".trace-facts").textContent()).toContain("support widget");
    await page.locator('tr[data-event="ticket_resolved"]').waitFor();
    expect(await page.locator('tr[data-event="ticket_resolved"]').textContent()).toContain("minutes 4");
    expect(await captureViews(page, "trace-view", async (current) => void (await current.locator('tr[data-event="ticket_resolved"]').waitFor()))).toEqual([]);
  });

  it("lists an event whose trace id matches no answer as unattributed, and its trace says no answer was found", async () => {
    const { page } = watched;
    await page.goto(`${harness.site}/traces?status=unattributed`);
    await page.getByRole("heading", { name: "Traces", level: 1 }).waitFor();
    expect(await page.getByLabel("Status").inputValue()).toBe("unattributed");
    await rowsArrive(page, `tr[data-trace="${ORPHAN_TRACE}"]`, 1);
    expect(await page.locator("tbody tr").count()).toBe(1);
    expect(await page.locator(`tr[data-trace="${ORPHAN_TRACE}"] .badge`).first().textContent()).toBe("Unattributed");
    await page.getByRole("link", { name: ORPHAN_TRACE }).click();
    await page.waitForURL(new RegExp(`/traces/${ORPHAN_TRACE}$`));
    await page.locator('[data-field="no-exposure"]').waitFor();
    expect(await page.locator('[data-field="no-exposure"]').textContent()).toContain("No exposure was found for this trace id");
    await page.locator('tr[data-event="ticket_opened"]').waitFor();
  });

  it("is linked from the navigation, the dashboard and the request log", async () => {
    const { page } = watched;
    await page.goto(`${harness.site}/dashboard`);
    await page.getByRole("link", { name: "See each answer and event in Traces" }).click();
    await page.waitForURL(/\/traces$/);
    expect(await page.locator("#primary-nav").getByRole("link", { name: "Traces" }).getAttribute("aria-current")).toBe("page");

    // The edge's request log entry of the get-prompt call opens its trace.
    await page.goto(`${harness.site}/request-log?key=${keyId}`);
    const open = page.getByRole("link", { name: `Open trace ${traceId}` });
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.locator("table.request-log-table, .state-empty").first().waitFor();
          return open.count();
        },
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0);
    await open.first().click();
    await page.waitForURL(new RegExp(`/traces/${traceId}$`));
    await page.getByRole("heading", { name: "The answer" }).waitFor();
  });

  it("logged no browser error on the way", () => {
    expect(watched.errors).toEqual([]);
  });
});
