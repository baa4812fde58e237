// Snippets in the browser: a signature prompt included by two others with {% include "…" %}. The
// PM changes the signature, sees both dependents marked stale on its page, republishes them in one
// click, and each dependent's history names the snippet version it now uses; the edge serves the
// new text (from one KV read per call: workers/edge/src/routes/snippets.test.ts counts them).
// A prompt including a snippet that includes another is shown stale through it, on both pages.
// Seeded through the API; the snippet page's steps through the UI.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HAS_CHROMIUM, openPage, poll, screenshot, toasts, type WatchedPage } from "./support/browser.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

describe.skipIf(!HAS_CHROMIUM)("snippets in the browser", () => {
  let harness: SiteHarness;
  let pm: WatchedPage;
  const stamp = Date.now();
  const email = `sam-${stamp}@example.com`;
  const password = "correct horse battery staple";
  let token = "";
  let workspaceId = "";
  let apiKey = "";
  const ids = { signature: "", first: "", second: "" };

  const call = (method: string, path: string, body?: unknown) => harness.api(method, path, { token, workspaceId, ...(body === undefined ? {} : { body }) });
  async function publishedPrompt(slug: string, name: string, content: string): Promise<string> {
    const created = await call("POST", "/api/prompts", { slug, name });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const version = await call("POST", `/api/prompts/${created.body.id}/versions`, { content });
    expect(version.status, JSON.stringify(version.body)).toBe(201);
    const published = await call("PUT", `/api/prompts/${created.body.id}/versions/${version.body.id}/publish`, {});
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    return created.body.id as string;
  }
  async function fromEdge(slug: string): Promise<string> {
    const response = await fetch(`${harness.stack.urls.edge}/api/v1/get-prompt/${slug}`, { headers: { authorization: `Bearer ${apiKey}` } });
    const body = (await response.json()) as { content?: string };
    return `${response.status} ${body.content ?? ""}`;
  }

  beforeAll(async () => {
    harness = await startSiteHarness();
    ({ token, workspaceId } = await harness.signUp({ email, password, name: "Sam Snippets" }, "Support replies"));
    ids.signature = await publishedPrompt("signature", "Signature", "Regards, the support team");
    ids.first = await publishedPrompt("refund-reply", "Refund reply", 'Your refund is on its way.\n{% include "signature" %}');
    ids.second = await publishedPrompt("delay-reply", "Delay reply", 'Sorry for the delay.\n{% include "signature" %}');
    const key = await call("POST", "/api/product-api-keys", { name: "snippets check" });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    apiKey = key.body.key as string;
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

  it("serves each dependent with the snippet's text inlined", async () => {
    await poll(() => fromEdge("refund-reply")).toBe("200 Your refund is on its way.\nRegards, the support team");
    await poll(() => fromEdge("delay-reply")).toBe("200 Sorry for the delay.\nRegards, the support team");
  });

  it("lists both dependents on the snippet's page, stale once the snippet changes, and republishes them in one click", async () => {
    const { page } = pm;
    await page.goto(`${harness.site}/prompts/${ids.signature}?tab=deployments`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/prompts/);
    await page.goto(`${harness.site}/prompts/${ids.signature}?tab=deployments`);
    const dependents = page.getByRole("region", { name: "Dependents" });
    const rows = dependents.locator("tbody tr");
    await poll(() => rows.evaluateAll((items) => items.map((row) => row.getAttribute("data-slug")))).toEqual(["delay-reply", "refund-reply"]);
    await poll(() => dependents.textContent()).toMatch(/v1 up to date.*v1 up to date/s);

    // The signature changes and v2 goes live (through the API: publishing is another test's subject).
    const v2 = await call("POST", `/api/prompts/${ids.signature}/versions`, { content: "Warm regards, the support team" });
    expect(v2.status).toBe(201);
    expect((await call("PUT", `/api/prompts/${ids.signature}/versions/${v2.body.id}/publish`, {})).status).toBe(200);
    // Until republished, the dependents keep the pinned v1 text.
    expect(await fromEdge("refund-reply")).toBe("200 Your refund is on its way.\nRegards, the support team");

    await page.reload();
    await poll(() => rows.allTextContents()).toEqual([expect.stringContaining("stale: v2 is live"), expect.stringContaining("stale: v2 is live")]);
    await page.getByRole("button", { name: "Republish 2 stale dependents" }).click();
    await poll(() => toasts(page).last().textContent()).toBe("Republished 2 dependents");
    await poll(() => rows.allTextContents()).toEqual([expect.stringMatching(/v2 up to date/), expect.stringMatching(/v2 up to date/)]);
    await poll(() => page.getByRole("button", { name: /Republish/ }).count()).toBe(0);
  });

  it("serves the new text for both dependents, and each one's history names the snippet version", async () => {
    await poll(() => fromEdge("refund-reply")).toBe("200 Your refund is on its way.\nWarm regards, the support team");
    await poll(() => fromEdge("delay-reply")).toBe("200 Sorry for the delay.\nWarm regards, the support team");
    const { page } = pm;
    for (const id of [ids.first, ids.second]) {
      await page.goto(`${harness.site}/prompts/${id}?tab=deployments`);
      const history = page.getByRole("region", { name: "Deployment history" });
      await poll(() => history.locator("tbody tr").first().textContent()).toMatch(/Republished with snippet "signature" v2.*Snippets: signature v2/);
      await poll(() => history.locator("tbody tr").nth(1).textContent()).toMatch(/Snippets: signature v1/);
    }
  });

  it("shows in the version diff which snippet version each side uses", async () => {
    const v2 = await call("POST", `/api/prompts/${ids.first}/versions`, { content: 'Your refund is on its way.\n{% include "signature" %}\nThanks!' });
    expect(v2.status, JSON.stringify(v2.body)).toBe(201);
    const { page } = pm;
    await page.goto(`${harness.site}/prompts/${ids.first}?tab=versions`);
    await poll(() => page.locator(".change-list li").allTextContents()).toEqual(["Snippet signature: v2 in production → not deployed"]);
  });

  it("shows a prompt stale through the snippet that brings the changed one in, on both snippets' pages, and republishes it", async () => {
    const signOff = await publishedPrompt("sign-off", "Sign-off", "Bye");
    const closing = await publishedPrompt("closing", "Closing", 'Thanks. {% include "sign-off" %}');
    const thanks = await publishedPrompt("thanks-reply", "Thanks reply", 'All done. {% include "closing" %}');
    const v2 = await call("POST", `/api/prompts/${signOff}/versions`, { content: "See you" });
    expect((await call("PUT", `/api/prompts/${signOff}/versions/${v2.body.id}/publish`, {})).status).toBe(200);

    const { page } = pm;
    await page.goto(`${harness.site}/prompts/${closing}?tab=deployments`);
    const dependents = page.getByRole("region", { name: "Dependents" });
    const row = (slug: string) => dependents.locator(`tbody tr[data-slug="${slug}"]`);
    await poll(() => row("thanks-reply").textContent()).toMatch(/stale: a snippet it brings in changed.*sign-off: v1 inlined, v2 is live/);

    await page.goto(`${harness.site}/prompts/${signOff}?tab=deployments`);
    await poll(() => row("thanks-reply").textContent()).toMatch(/through closing.*stale: v2 is live/);
    await page.getByRole("button", { name: "Republish 2 stale dependents" }).click();
    await poll(() => toasts(page).last().textContent()).toBe("Republished 2 dependents");
    await poll(() => row("thanks-reply").textContent()).toMatch(/v2 up to date/);
    await poll(() => fromEdge("thanks-reply")).toBe("200 All done. Thanks. See you");

    // The editor's preview shows the whole text, and where the snippets' text comes from.
    await page.goto(`${harness.site}/prompts/${thanks}`);
    await poll(() => page.getByTestId("preview-text").textContent()).toBe("All done. Thanks. See you");
    await poll(() => page.getByTestId("preview-snippets").textContent()).toBe("Snippets inlined as production serves them now: closing v1, sign-off v2");
  });
});
