// A PM's whole workflow in the site, through the UI only (issue #5's walk): sign up → workspace →
// a prompt with variables and an if/else → edit with a live preview → publish → the edge serves
// it → v2 → diff v1/v2 → rollback → invite a Viewer who can read but not publish → an API key →
// the dashboard after events were sent. Screenshots of each main page in light, dark and 375 px,
// axe on each, and no browser error on the way.
import { spawnSync } from "node:child_process";
import ts from "typescript";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Page, Route } from "playwright-core";
import { captureViews, HAS_CHROMIUM, openPage, poll, screenshot, type WatchedPage } from "./support/browser.ts";
import { linkIn, waitForMail } from "../../local/mail/read-inbox.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

const PASSWORD = "correct horse battery staple";
const TEMPLATE = "Hello {name}! {% if vip %}Thanks for staying with us.{% else %}Upgrade today.{% endif %}";

/** TypeScript's syntax errors in `code` (no type check: the SDK is not installed here). */
function typescriptSyntaxErrors(code: string): string[] {
  const output = ts.transpileModule(code, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  return (output.diagnostics ?? []).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
}

/** Python's verdict on `code`'s syntax ("" when it parses), from the machine's python3. */
function pythonSyntaxError(code: string): string {
  const parsed = spawnSync("python3", ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], { input: code, encoding: "utf8" });
  if (parsed.error) throw parsed.error;
  return parsed.status === 0 ? "" : parsed.stderr;
}

interface Served {
  status: number;
  body: { content?: string; version?: number; trace_id?: string; error?: { code: string; message: string } };
}

describe.skipIf(!HAS_CHROMIUM)("a PM's workflow in the browser", () => {
  let harness: SiteHarness;
  let pm: WatchedPage;
  let viewer: WatchedPage | undefined;
  let promptUrl = "";
  let apiKey = "";
  const stamp = Date.now();
  const pmEmail = `pm-${stamp}@example.com`;
  const viewerEmail = `viewer-${stamp}@example.com`;

  /** GET /api/v1/get-prompt/checkout-welcome on the edge, as an app would. */
  let served = 0;
  async function fetchFromEdge(query = "var.name=Ada&var.vip=true", key = apiKey): Promise<Served> {
    const response = await fetch(`${harness.stack.urls.edge}/api/v1/get-prompt/checkout-welcome?${query}`, { headers: { authorization: `Bearer ${key}` } });
    if (response.status === 200) served += 1;
    return { status: response.status, body: (await response.json()) as Served["body"] };
  }

  /** Chooses the option whose text matches (the version pickers say "v1 · draft · …"). */
  async function selectOptionMatching(select: ReturnType<Page["getByLabel"]>, text: RegExp) {
    const options = await select.locator("option").evaluateAll((nodes) => nodes.map((node) => ({ value: (node as { value: string }).value, text: node.textContent ?? "" })));
    const option = options.find((candidate) => text.test(candidate.text));
    expect(option, `an option matching ${text} among ${JSON.stringify(options)}`).toBeDefined();
    await select.selectOption(option!.value);
  }

  async function openTab(page: Page, name: string) {
    await page.getByRole("tab", { name }).click();
    await expect.poll(() => page.getByRole("tab", { name }).getAttribute("aria-selected")).toBe("true");
  }

  beforeAll(async () => {
    harness = await startSiteHarness();
    pm = await openPage(harness.browser);
  });
  // What the page showed when a step failed: test-results/screenshots/failed-….png.
  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(async () => {
      await screenshot(pm.page, `failed-${task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(() => {});
    });
  });
  afterAll(async () => {
    await viewer?.context.close();
    await pm?.context.close();
    await harness?.stop();
  });

  it("signs up and creates a workspace", async () => {
    const { page } = pm;
    await page.goto(`${harness.site}/sign-up`);
    await page.getByLabel("Name").fill("Pat Manager");
    await page.getByLabel("E-mail").fill(pmEmail);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByLabel("Workspace name").fill("Checkout team");
    await page.getByRole("button", { name: "Create workspace" }).click();
    await page.waitForURL(/\/prompts$/);
    expect(await captureViews(page, "prompts-empty", (current) => current.getByRole("heading", { name: "Prompts" }).waitFor())).toEqual([]);
  });

  it("creates a prompt with variables and an if/else, and previews it as it is edited", async () => {
    const { page } = pm;
    await page.getByRole("button", { name: "New prompt" }).first().click();
    await page.getByLabel("Name").fill("Checkout welcome");
    await expect.poll(() => page.getByLabel("Slug").inputValue()).toBe("checkout-welcome");
    await page.getByRole("button", { name: "Create prompt" }).click();
    await page.waitForURL(/\/prompts\/[^/?]+/);
    promptUrl = page.url().split("?")[0]!;

    const editor = page.getByRole("textbox", { name: "Prompt template" });
    await editor.click();
    await editor.fill(TEMPLATE);
    await page.getByRole("button", { name: "Declare “name”" }).click();
    await page.getByRole("button", { name: "Declare “vip”" }).click();
    await page.getByLabel("Variable 1 required").check();
    await page.getByLabel("Variable 2 type").selectOption("boolean");

    // The preview renders with the engine as the sample values change; a missing required
    // variable is named.
    const preview = page.getByTestId("preview-text");
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "problem" }).textContent()).toContain("name");
    await page.getByLabel(/^name/).fill("Ada");
    await expect.poll(() => preview.textContent()).toBe("Hello Ada! Upgrade today.");
    await page.getByLabel(/^vip/).selectOption("true");
    await expect.poll(() => preview.textContent()).toBe("Hello Ada! Thanks for staying with us.");

    await page.getByLabel("Changelog").fill("First welcome");
    await page.getByRole("button", { name: "Save draft" }).first().click();
    await expect.poll(() => page.getByText("Draft v1 saved").count()).toBeGreaterThan(0);
    // What was saved stays in the editor.
    expect(await editor.textContent()).toBe(TEMPLATE);
    expect(await captureViews(page, "prompt-editor", (current) => current.getByTestId("preview-text").waitFor())).toEqual([]);
  });

  it("publishes v1 to production, and the edge serves it", async () => {
    const { page } = pm;
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Publish a version" });
    await dialog.getByLabel("Environment").selectOption("production");
    await dialog.getByRole("button", { name: /^Publish/ }).click();
    await dialog.waitFor({ state: "hidden" });

    // The app's key: the API-key page comes later in the walk; the edge is checked now.
    const workspaceId = await page.getByLabel("Workspace").inputValue();
    const session = await harness.api("POST", "/api/auth/login", { body: { email: pmEmail, password: PASSWORD } });
    const created = await harness.api("POST", "/api/product-api-keys", { body: { name: "walk check" }, token: session.body.access_token, workspaceId });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    apiKey = created.body.key;
    await expect.poll(() => fetchFromEdge(), { timeout: 5_000 }).toMatchObject({ status: 200, body: { content: "Hello Ada! Thanks for staying with us." } });
    const served = await fetchFromEdge("var.name=Ada");
    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ content: "Hello Ada! Upgrade today.", version: 1, trace_id: expect.any(String) });
  });

  it("edits and publishes v2, compares v1 with v2, and rolls production back to v1", async () => {
    const { page } = pm;
    await openTab(page, "Editor");
    const editor = page.getByRole("textbox", { name: "Prompt template" });
    await editor.fill(TEMPLATE.replace("Upgrade today.", "Try Pro free for 14 days."));
    await page.getByLabel("Changelog").fill("Trial offer");
    await page.getByRole("button", { name: "Save draft" }).first().click();
    await expect.poll(() => page.getByText("Draft v2 saved").count()).toBeGreaterThan(0);

    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Publish a version" });
    await dialog.getByLabel("Environment").selectOption("production");
    await dialog.getByRole("button", { name: /^Publish/ }).click();
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(() => fetchFromEdge("var.name=Ada"), { timeout: 5_000 }).toMatchObject({ status: 200, body: { content: "Hello Ada! Try Pro free for 14 days." } });

    await openTab(page, "Versions");
    await selectOptionMatching(page.getByLabel("From", { exact: true }), /\bv1\b/);
    await selectOptionMatching(page.getByLabel("To", { exact: true }), /\bv2\b/);
    const diff = page.locator(".version-diff");
    await expect.poll(() => diff.textContent()).toContain("Try Pro free for 14 days.");
    expect(await diff.textContent()).toContain("Upgrade today.");
    expect(await captureViews(page, "prompt-versions", (current) => current.locator(".version-diff").waitFor())).toEqual([]);

    await openTab(page, "Deployments");
    await page.getByRole("button", { name: "Rollback production" }).click();
    const confirm = page.getByRole("dialog", { name: /Rollback production/i });
    await confirm.getByRole("button", { name: /Roll ?back/i }).click();
    await confirm.waitFor({ state: "hidden" });
    await expect.poll(() => fetchFromEdge("var.name=Ada"), { timeout: 5_000 }).toMatchObject({ status: 200, body: { content: "Hello Ada! Upgrade today." } });
    await expect.poll(() => page.getByRole("table", { name: "Deployment history" }).textContent()).toMatch(/rollback/i);
    expect(await captureViews(page, "prompt-deployments", (current) => current.getByRole("heading", { name: "Deployment history" }).waitFor())).toEqual([]);
  });

  it("invites a Viewer, who reads the prompt but cannot edit or publish it", async () => {
    const { page } = pm;
    await page.getByRole("link", { name: "Members" }).click();
    await page.getByRole("heading", { name: "Members", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Invite member" }).first().click();
    const invite = page.getByRole("dialog", { name: "Invite a member" });
    await invite.getByLabel("E-mail").fill(viewerEmail);
    await invite.getByLabel("Role").selectOption("viewer");
    await invite.getByRole("button", { name: "Create invitation" }).click();
    const link = (await page.getByTestId("invitation-link").textContent())!.trim();
    await page.getByRole("dialog", { name: "Invitation created" }).getByRole("button", { name: "Done" }).click();

    const registered = await harness.api("POST", "/api/auth/register", { body: { name: "Vic Viewer", email: viewerEmail, password: PASSWORD } });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    viewer = await openPage(harness.browser);
    const guest = viewer.page;
    await guest.goto(link);
    await guest.getByRole("link", { name: "Sign in to accept" }).click();
    await guest.getByLabel("E-mail").fill(viewerEmail);
    await guest.getByLabel("Password").fill(PASSWORD);
    await guest.getByRole("button", { name: "Sign in" }).click();
    // Accepting needs a verified address: the Viewer opens the verification e-mail's link first.
    await guest.getByRole("heading", { name: "Join the workspace" }).waitFor();
    const verification = linkIn(await waitForMail(harness.stack.urls.mail!, viewerEmail, { subject: /Confirm your e-mail address/ }), "/verify-email");
    await guest.goto(`${harness.site}${verification.pathname}${verification.search}`);
    await guest.getByRole("heading", { name: "E-mail address verified" }).waitFor();
    await guest.goto(link);
    await guest.getByRole("button", { name: "Accept invitation" }).click();
    await guest.waitForURL(/\/prompts$/);
    expect(await guest.getByLabel("Workspace").locator("option:checked").textContent()).toBe("Checkout team");

    await guest.goto(promptUrl);
    await guest.getByText("Read-only (Viewer)").waitFor();
    await expect.poll(() => guest.getByRole("textbox", { name: "Prompt template" }).textContent()).toBe(TEMPLATE.replace("Upgrade today.", "Try Pro free for 14 days."));
    expect(await guest.getByRole("textbox", { name: "Prompt template" }).getAttribute("aria-readonly")).toBe("true");
    expect(await guest.getByRole("button", { name: /^(Publish|Save draft)/ }).count()).toBe(0);
    await openTab(guest, "Deployments");
    await guest.getByRole("heading", { name: "Deployment history" }).waitFor();
    expect(await guest.getByRole("button", { name: /^(Publish|Promote|Rollback)/ }).count()).toBe(0);
    // The API agrees: a Viewer's publish is refused.
    const session = await harness.api("POST", "/api/auth/login", { body: { email: viewerEmail, password: PASSWORD } });
    const promptId = promptUrl.split("/prompts/")[1]!;
    const versions = await harness.api("GET", `/api/prompts/${promptId}/versions`, { token: session.body.access_token, workspaceId: await guest.getByLabel("Workspace").inputValue() });
    expect(versions.status).toBe(200);
    const publish = await harness.api("PUT", `/api/prompts/${promptId}/versions/${versions.body.versions[0].id}/publish`, {
      token: session.body.access_token,
      workspaceId: await guest.getByLabel("Workspace").inputValue(),
      body: { environment: "production" },
    });
    expect(publish.status).toBe(403);
  });

  it("creates an API key that is shown once and works on the edge", async () => {
    const { page } = pm;
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Create API key" }).first().click();
    await page.getByRole("dialog").getByLabel("Name").fill("Checkout service");
    await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-api-key").textContent())!.trim();
    // Closing and at once re-opening (one task, as a quick double action does): the browser's
    // late close event must not shut the dialog that was just opened again.
    await page.evaluate(() => {
      type Button = { textContent: string | null; click(): void };
      const { document } = globalThis as unknown as { document: { querySelectorAll(selector: string): Iterable<Button> } };
      const buttons = [...document.querySelectorAll("button")];
      buttons.find((button) => button.textContent?.trim() === "I have copied the key")!.click();
      buttons.find((button) => button.textContent?.trim() === "Create API key")!.click();
    });
    await page.waitForTimeout(300); // lets the queued close event arrive
    expect(await page.getByRole("dialog", { name: "Create API key" }).isVisible()).toBe(true);
    await page.getByRole("dialog", { name: "Create API key" }).getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    expect(await page.content()).not.toContain(key);
    await expect.poll(() => fetchFromEdge("var.name=Ada", key), { timeout: 5_000 }).toMatchObject({ status: 200, body: { content: "Hello Ada! Upgrade today." } });
    apiKey = key;
  });

  it("shows on the dashboard the requests and events the app sent", async () => {
    const { page } = pm;
    for (let index = 0; index < 3; index++) {
      const answer = await fetchFromEdge(`var.name=Ada&unit_id=user-${index}`);
      expect(answer.status).toBe(200);
      const event = await fetch(`${harness.stack.urls.edge}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ trace_id: answer.body.trace_id, event_name: "checkout_completed", fields: { revenue: 20 + index } }),
      });
      expect(event.status, await event.clone().text()).toBe(202);
    }
    await page.getByRole("link", { name: "Dashboard" }).click();
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    // The live counters poll without a reload until the consumer has stored everything.
    await expect.poll(() => page.locator('[data-live="events-60m"]').textContent(), { timeout: 20_000 }).toBe("3");
    await expect.poll(() => page.locator('[data-live="requests-60m"]').textContent(), { timeout: 20_000 }).toBe(String(served));
    expect(await captureViews(page, "walk-dashboard", (current) => current.locator('[data-live="events-60m"]').waitFor())).toEqual([]);
  });

  it("shows the prompt's code in TypeScript, Python and cURL, built from its slug, variables and events", async () => {
    const { page } = pm;
    const edge = harness.stack.urls.edge;
    const readClipboard = () => page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    const panel = (language: string) => page.getByRole("tabpanel", { name: language });
    const tabState = () => page.getByRole("tablist", { name: "Snippet language" }).getByRole("tab").evaluateAll((tabs) => tabs.map((tab) => `${tab.textContent}:${tab.getAttribute("aria-selected")}:${tab.getAttribute("tabindex")}`));
    // Opened straight on the tab, the preview has not run: the snippet shows examples by type
    // (no default is declared). Production serves v1 (rolled back), which has no chat messages.
    // The newest version's answer is held back a second: until it comes, the page shows no code
    // (code without the variables would be wrong to copy), only that it is loading them.
    const versionAnswer = /\/api\/prompts\/[^/]+\/versions\/[^/?]+(\?|$)/;
    const holdBack = async (route: Route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await route.continue();
    };
    await page.route(versionAnswer, holdBack);
    await page.goto(`${promptUrl}?tab=code`);
    await page.getByRole("heading", { name: "Use it from your app" }).waitFor();
    expect(await page.getByLabel("TypeScript code").count()).toBe(0);
    await page.getByRole("status").filter({ hasText: "Loading the prompt's variables" }).waitFor();
    // A first visit: TypeScript, the SDK, is the default.
    await poll(tabState).toEqual(["TypeScript:true:0", "Python:false:-1", "cURL:false:-1"]);
    // The held-back answer has come (the snippet is built from it): no route is left half handled.
    await page.unroute(versionAnswer, holdBack);

    const typescript = await panel("TypeScript").getByLabel("TypeScript code").textContent();
    expect(typescript).toContain(`import { XR2 } from "@xr2/sdk";`);
    expect(typescript).toContain("apiKey: process.env.XR2_API_KEY!");
    expect(typescript).toContain(`baseUrl: "${edge}"`);
    expect(typescript).toContain(`environment: "production"`);
    expect(typescript).toContain(`xr2.getPrompt("checkout-welcome", {\n  variables: { name: "example", vip: true },\n  unitId: "user-42"`);
    expect(typescript).toContain("console.log(p.content);");
    expect(typescript).toContain(`xr2.track(p.trace_id, "conversion", { revenue: 9.99 });`);
    expect(typescript).toContain("await xr2.flush();");
    expect(await panel("TypeScript").getByLabel("Install command").textContent()).toBe("npm install @xr2/sdk");
    expect(typescriptSyntaxErrors(typescript!)).toEqual([]);
    await panel("TypeScript").getByRole("button", { name: "Copy snippet" }).click();
    await poll(readClipboard).toBe(typescript);

    // The environment picker feeds every language.
    await page.getByLabel("Environment", { exact: true }).selectOption("staging");
    await poll(() => panel("TypeScript").getByLabel("TypeScript code").textContent()).toContain(`environment: "staging"`);
    await page.getByLabel("Environment", { exact: true }).selectOption("production");

    await openTab(page, "Python");
    const python = await panel("Python").getByLabel("Python code").textContent();
    expect(python).toContain("from xr2 import XR2");
    expect(python).toContain(`api_key=os.environ["XR2_API_KEY"]`);
    expect(python).toContain(`base_url="${edge}"`);
    expect(python).toContain(`environment="production"`);
    expect(python).toContain(`p = xr2.get_prompt(\n    "checkout-welcome",\n    variables={"name": "example", "vip": True},\n    unit_id="user-42",\n)`);
    expect(python).toContain("print(p.content)");
    expect(python).toContain(`xr2.track(p.trace_id, "conversion", {"revenue": 9.99})`);
    expect(python).toContain("xr2.flush()");
    expect(await panel("Python").getByLabel("Install command").textContent()).toBe("pip install xr2");
    expect(pythonSyntaxError(python!)).toBe("");
    await panel("Python").getByRole("button", { name: "Copy snippet" }).click();
    await poll(readClipboard).toBe(python);

    await openTab(page, "cURL");
    const curl = (await panel("cURL").getByLabel("cURL commands").textContent())!;
    expect(await panel("cURL").getByLabel("Install command").count()).toBe(0);
    expect(curl).toContain(`curl "${edge}/api/v1/get-prompt/checkout-welcome?env=production&var.name=example&var.vip=true"`);
    expect(curl).toContain(`-H "Authorization: Bearer $XR2_API_KEY"`);
    // No language shows the real key.
    expect(apiKey, "the key of the API-key step").toMatch(/\S{16}/);
    for (const code of [typescript, python, curl]) expect(code).not.toContain(apiKey);
    // What the cURL tab says works as it stands: the edge serves the prompt with these values,
    // and accepts the event command with the answer's trace id.
    const url = /curl "([^"]+)"/.exec(curl)![1]!;
    const answer = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(answer.status).toBe(200);
    const served = (await answer.json()) as { content: string; trace_id: string };
    expect(served.content).toBe("Hello example! Thanks for staying with us.");
    const body = /-d '([^']+)'/.exec(curl)![1]!;
    expect(JSON.parse(body)).toEqual({ trace_id: "<trace_id from the answer>", event_name: "conversion", fields: { revenue: 9.99 } });
    const event = await fetch(`${edge}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: body.replace("<trace_id from the answer>", served.trace_id),
    });
    expect(event.status, await event.clone().text()).toBe(202);

    // Arrow keys move between the tabs (wrapping), and focus follows the selection.
    const focusedTab = () => page.locator('[role="tab"]:focus').textContent();
    await page.getByRole("tab", { name: "cURL" }).focus();
    await page.keyboard.press("ArrowRight");
    await poll(focusedTab).toBe("TypeScript");
    await poll(tabState).toEqual(["TypeScript:true:0", "Python:false:-1", "cURL:false:-1"]);
    await page.keyboard.press("ArrowLeft");
    await poll(focusedTab).toBe("cURL");
    await page.keyboard.press("ArrowLeft");
    await poll(focusedTab).toBe("Python");
    await poll(tabState).toEqual(["TypeScript:false:-1", "Python:true:0", "cURL:false:-1"]);

    // The workspace's first defined event (by name) replaces the generic one, with its required
    // fields; the last chosen language survives the reload.
    const workspaceId = await page.getByLabel("Workspace").inputValue();
    const session = await harness.api("POST", "/api/auth/login", { body: { email: pmEmail, password: PASSWORD } });
    for (const definition of [
      { event_name: "signup", category: "activation", description: null, required_fields: [], optional_fields: [] },
      { event_name: "checkout_completed", category: "conversion", description: null, required_fields: [{ name: "revenue", type: "number" }], optional_fields: [] },
    ]) {
      const created = await harness.api("POST", "/api/event-definitions", { body: definition, token: session.body.access_token, workspaceId });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    await page.reload();
    await page.getByRole("heading", { name: "Use it from your app" }).waitFor();
    await poll(tabState).toEqual(["TypeScript:false:-1", "Python:true:0", "cURL:false:-1"]);
    await poll(() => panel("Python").getByLabel("Python code").textContent()).toContain(`xr2.track(p.trace_id, "checkout_completed", {"revenue": 42})`);
    await openTab(page, "TypeScript");
    expect(await panel("TypeScript").getByLabel("TypeScript code").textContent()).toContain(`xr2.track(p.trace_id, "checkout_completed", { revenue: 42 });`);
    expect(await captureViews(page, "prompt-code", (current) => current.getByRole("tabpanel", { name: "TypeScript" }).waitFor())).toEqual([]);

    // A chat prompt reads p.messages; a declared default is the sample, an enum without one shows
    // its first value.
    const chat = await harness.api("POST", "/api/prompts", { token: session.body.access_token, workspaceId, body: { slug: "support-reply", name: "Support reply" } });
    expect(chat.status, JSON.stringify(chat.body)).toBe(201);
    const version = await harness.api("POST", `/api/prompts/${chat.body.id}/versions`, {
      token: session.body.access_token,
      workspaceId,
      body: {
        messages: [
          { role: "system", content: "Answer in a {tone} tone" },
          { role: "user", content: "{count} orders are late" },
        ],
        variables: [
          { name: "tone", type: "enum", required: true, values: ["friendly", "formal"] },
          { name: "count", type: "number", required: false, default: 3 },
        ],
      },
    });
    expect(version.status, JSON.stringify(version.body)).toBe(201);
    await page.goto(`${harness.site}/prompts/${chat.body.id}?tab=code`);
    await poll(() => panel("TypeScript").getByLabel("TypeScript code").textContent()).toContain(`xr2.getPrompt("support-reply", {\n  variables: { tone: "friendly", count: 3 },`);
    expect(await panel("TypeScript").getByLabel("TypeScript code").textContent()).toContain("console.log(p.messages);");
    await openTab(page, "Python");
    expect(await panel("Python").getByLabel("Python code").textContent()).toContain(`variables={"tone": "friendly", "count": 3}`);
    expect(await panel("Python").getByLabel("Python code").textContent()).toContain("print(p.messages)");
    expect(pythonSyntaxError((await panel("Python").getByLabel("Python code").textContent())!)).toBe("");
  });

  it("logged no browser error on the way", () => {
    expect(pm.errors).toEqual([]);
    expect(viewer?.errors ?? []).toEqual([]);
  });
});
