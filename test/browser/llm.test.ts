// The LLM pages in the browser, against the local fake providers: an Admin saves a key for each
// provider in Settings → LLM providers (a wrong one is refused with the provider's answer), runs
// the playground on all three (streamed, then the provider's tokens and the price table's cost),
// stops a run that hangs, sees a failover named on the page, and compares models side by side
// with a failing column. Each page passes axe in light, dark and at 375 px.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { FAKE_LLM_KEYS } from "../../local/llm-providers/index.ts";
import { captureViews, HAS_CHROMIUM, openPage, type WatchedPage } from "./support/browser.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

describe.skipIf(!HAS_CHROMIUM)("the LLM pages in the browser", () => {
  let harness: SiteHarness;
  let watched: WatchedPage;
  const email = `llm-${Date.now()}@example.com`;
  const password = "correct horse battery staple";
  let promptId = "";
  let versionId = "";

  beforeAll(async () => {
    harness = await startSiteHarness();
    const { api } = harness;
    const { token, workspaceId } = await harness.signUp({ email, password, name: "Lee Admin" }, "Support bots");
    const prompt = await api("POST", "/api/prompts", { token, workspaceId, body: { slug: "greeter", name: "Greeter" } });
    expect(prompt.status, JSON.stringify(prompt.body)).toBe(201);
    promptId = prompt.body.id;
    // The fakes echo the last message one word per token: "Echo: say hello to Ada" is 5 output tokens,
    // the system message's 3 words are the cached input, 7 input tokens in all.
    const version = await api("POST", `/api/prompts/${promptId}/versions`, {
      token,
      workspaceId,
      body: {
        messages: [
          { role: "system", content: "You are terse" },
          { role: "user", content: "say hello to {name}" },
        ],
        variables: [
          { name: "name", type: "string", required: true, description: "Who to greet" },
          { name: "tone", type: "enum", required: false, values: ["warm", "dry"], default: "warm" },
        ],
        model_config: { provider: "openai", model: "gpt-4o-mini", max_tokens: 50 },
        changelog: "First draft",
      },
    });
    expect(version.status, JSON.stringify(version.body)).toBe(201);
    versionId = version.body.id;
    watched = await openPage(harness.browser);
  }, 180_000);
  afterAll(async () => {
    await watched?.context.close();
    await harness?.stop();
  });

  const card = (page: Page, provider: string) => page.locator(`section.llm-provider[data-provider="${provider}"]`);
  const modelGroup = (page: Page, name: string) => page.getByRole("group", { name, exact: true });

  it("saves a key for each provider, refuses a wrong one clearly, and never shows a saved key", async () => {
    const { page } = watched;
    await page.goto(`${harness.site}/settings/providers`);
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/settings\/providers$/);
    await page.getByRole("heading", { name: "LLM providers" }).waitFor();
    await page.getByRole("heading", { name: "Price table" }).waitFor();
    expect(await page.locator(".llm-prices").textContent()).toMatch(/as of .*2025/);
    expect(await page.locator(".llm-price-table tbody tr").count()).toBeGreaterThan(10);

    // A wrong OpenAI key: the provider's refusal, in words.
    const openai = card(page, "openai");
    await openai.getByRole("button", { name: "Add key for OpenAI (workspace)" }).click();
    await openai.getByLabel("OpenAI API key (workspace)").fill("sk-this-key-is-wrong-0000");
    await openai.getByRole("button", { name: "Test key" }).click();
    await expect.poll(() => openai.locator(".llm-test-result").textContent()).toMatch(/Rejected.*OpenAI rejected the key.*invalid_api_key/);
    expect(await openai.locator(".llm-test-result").textContent()).not.toContain("sk-this-key-is-wrong-0000");

    // The right one tests valid, then saves; the page shows only its last four characters.
    await openai.getByLabel("OpenAI API key (workspace)").fill(FAKE_LLM_KEYS.openai);
    await openai.getByRole("button", { name: "Test key" }).click();
    await expect.poll(() => openai.locator(".llm-test-result").textContent()).toMatch(/Valid.*OpenAI accepted the key you typed/);
    await openai.getByRole("button", { name: "Save key" }).click();
    await expect.poll(() => openai.locator('[data-scope="workspace"] .llm-key-suffix').textContent()).toBe("••••demo");

    const anthropic = card(page, "anthropic");
    await anthropic.getByRole("button", { name: "Add key for Anthropic (workspace)" }).click();
    await anthropic.getByLabel("Anthropic API key (workspace)").fill(FAKE_LLM_KEYS.anthropic);
    await anthropic.getByRole("button", { name: "Save key" }).click();
    await expect.poll(() => anthropic.locator('[data-scope="workspace"] .llm-key-suffix').textContent()).toBe("••••demo");

    // Google as a personal key: the other scope.
    const google = card(page, "google");
    await google.getByRole("button", { name: "Add key for Google (personal)" }).click();
    await google.getByLabel("Google API key (personal)").fill(FAKE_LLM_KEYS.google);
    await google.getByRole("button", { name: "Save key" }).click();
    await expect.poll(() => google.locator('[data-scope="user"] .llm-key-suffix').textContent()).toBe("••••demo");
    await expect.poll(() => google.locator(".badge").first().textContent()).toBe("Ready · your key");

    // Testing the saved key a run would use.
    await anthropic.getByRole("button", { name: "Test saved key for Anthropic" }).click();
    await expect.poll(() => anthropic.locator(".llm-test-result").textContent()).toMatch(/Anthropic accepted the workspace key ••••demo/);

    const html = await page.content();
    for (const key of Object.values(FAKE_LLM_KEYS)) expect(html).not.toContain(key);

    // The saved-key toasts would cover the cards in the screenshots.
    while ((await page.getByRole("button", { name: "Dismiss" }).count()) > 0) await page.getByRole("button", { name: "Dismiss" }).first().click();
    expect(await captureViews(page, "llm-providers", (current) => current.getByRole("heading", { name: "Price table" }).waitFor())).toEqual([]);
  });

  for (const [provider, label, model, cost] of [
    // The API's run test derives these costs from the price table.
    ["openai", "OpenAI", "gpt-4o-mini", "$0.000004"],
    ["anthropic", "Anthropic", "claude-sonnet-4-5", "$0.000088"],
    ["google", "Google", "gemini-2.0-flash", "$0.000002"],
  ] as const) {
    it(`runs the playground on ${label}: estimate first, streamed output, then the provider's tokens and cost`, async () => {
      const { page } = watched;
      await page.goto(`${harness.site}/playground?prompt=${promptId}&version=${versionId}`);
      await page.getByRole("heading", { name: "Playground" }).waitFor();
      await expect.poll(() => page.getByLabel("Version").inputValue()).toBe(versionId);
      expect(await page.getByLabel("Version").locator("option:checked").textContent()).toContain("v1 · draft");
      // The enum's default is filled in; the required name is not.
      expect(await page.getByLabel("tone").inputValue()).toBe("warm");
      await page.getByLabel("name").fill("Ada");

      const group = modelGroup(page, "Model");
      await group.getByLabel("Provider").selectOption(provider);
      await group.getByLabel("Model", { exact: true }).selectOption(model);
      await expect.poll(() => page.locator(".llm-estimate").textContent(), { timeout: 10_000 }).toMatch(/input tokens/);
      const estimate = (await page.locator(".llm-estimate").textContent()) ?? "";
      expect(estimate).toMatch(/Exact count|Estimate/);
      expect(estimate).toMatch(/Estimated cost \$/);

      // Every text the output shows on the way, recorded as the page changes it.
      await page.evaluate(() => {
        const scope = globalThis as unknown as { document: { querySelector(selector: string): { textContent: string | null } & object }; MutationObserver: new (callback: () => void) => { observe(node: object, options: object): void }; outputTexts: string[] };
        const frame = scope.document.querySelector(".llm-output-frame");
        scope.outputTexts = [];
        new scope.MutationObserver(() => scope.outputTexts.push(scope.document.querySelector("pre.llm-output").textContent ?? "")).observe(frame, { subtree: true, childList: true, characterData: true });
      });
      const streamed = page.waitForResponse((response) => response.url().endsWith("/api/llm/run"));
      await page.getByRole("button", { name: "Run", exact: true }).click();
      expect((await streamed).headers()["content-type"]).toMatch(/^text\/event-stream/);

      const after = page.getByRole("region", { name: "After the run" });
      await after.waitFor();
      expect(await page.locator("pre.llm-output").textContent()).toBe("Echo: say hello to Ada");
      // Token by token: the page showed the answer growing one word at a time.
      const seen = await page.evaluate(() => (globalThis as unknown as { outputTexts: string[] }).outputTexts);
      const words = ["Echo:", "Echo: say", "Echo: say hello", "Echo: say hello to", "Echo: say hello to Ada"];
      expect(words.filter((prefix) => seen.includes(prefix))).toEqual(words);
      expect(await after.locator('[data-figure="input"]').textContent()).toBe("7");
      expect(await after.locator('[data-figure="cached"]').textContent()).toBe("3");
      expect(await after.locator('[data-figure="output"]').textContent()).toBe("5");
      expect(await after.locator('[data-figure="cost"]').textContent()).toBe(cost);
      expect(await after.locator('[data-figure="latency"]').textContent()).toMatch(/\d+ m?s/);
      expect(await after.textContent()).toContain(`reported by ${label} · ${model}`);
      expect(await page.locator(".llm-failover").count()).toBe(0);
    });
  }

  it("stops a run that is still waiting for its first token", async () => {
    const { page } = watched;
    await page.goto(`${harness.site}/playground?prompt=${promptId}&version=${versionId}`);
    await expect.poll(() => page.getByLabel("tone").inputValue()).toBe("warm");
    await page.getByLabel("name").fill("Ada");
    const group = modelGroup(page, "Model");
    await group.getByLabel("Provider").selectOption("openai");
    await group.getByLabel("Model", { exact: true }).selectOption({ label: "Other model id…" });
    await group.getByLabel("Model id").fill("fake-hang");
    await page.getByLabel("Timeout (s)").fill("8");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await expect.poll(() => page.locator(".llm-status").textContent()).toMatch(/Waiting for the first token from OpenAI · fake-hang/);
    await page.getByRole("button", { name: "Stop" }).click();
    await expect.poll(() => page.locator(".llm-status").textContent()).toMatch(/^Stopped/);
    expect(await page.getByRole("button", { name: "Run", exact: true }).isEnabled()).toBe(true);
  });

  it("fails over from a failing primary to the fallback, and says which failed and why", async () => {
    const { page } = watched;
    await page.goto(`${harness.site}/playground?prompt=${promptId}&version=${versionId}`);
    await expect.poll(() => page.getByLabel("tone").inputValue()).toBe("warm");
    await page.getByLabel("name").fill("Ada");
    const primary = modelGroup(page, "Model");
    await primary.getByLabel("Provider").selectOption("openai");
    await primary.getByLabel("Model", { exact: true }).selectOption({ label: "Other model id…" });
    await primary.getByLabel("Model id").fill("fake-500");
    await page.getByRole("button", { name: "Add fallback" }).click();
    const fallback = modelGroup(page, "Fallback 1");
    await fallback.getByLabel("Provider").selectOption("anthropic");
    await fallback.getByLabel("Model", { exact: true }).selectOption("claude-haiku-4-5");

    await page.getByRole("button", { name: "Run", exact: true }).click();
    const after = page.getByRole("region", { name: "After the run" });
    await after.waitFor();
    const notice = page.locator(".llm-failover");
    expect(await notice.locator(".llm-failover-title").textContent()).toBe("Failed over: answered by Anthropic · claude-haiku-4-5 after 1 failed attempt");
    expect(await notice.locator("li").textContent()).toMatch(/OpenAI · fake-500 failed/);
    expect(await notice.locator(".llm-attempt-message").textContent()).toMatch(/\S/);
    expect(await page.locator("pre.llm-output").textContent()).toBe("Echo: say hello to Ada");
    expect(await after.textContent()).toContain("reported by Anthropic · claude-haiku-4-5");

    expect(await captureViews(page, "llm-playground", (current) => current.getByRole("region", { name: "After the run" }).waitFor())).toEqual([]);
  });

  it("compares one version on several models side by side, with a failure in its own column", async () => {
    const { page } = watched;
    await page.goto(`${harness.site}/playground/compare?prompt=${promptId}&version=${versionId}`);
    await page.getByRole("heading", { name: "Compare models" }).waitFor();
    await expect.poll(() => page.getByLabel("tone").inputValue()).toBe("warm");
    await page.getByLabel("name").fill("Ada");
    await modelGroup(page, "Column 1").getByLabel("Provider").selectOption("openai");
    await modelGroup(page, "Column 1").getByLabel("Model", { exact: true }).selectOption("gpt-4o-mini");
    await modelGroup(page, "Column 2").getByLabel("Provider").selectOption("anthropic");
    await modelGroup(page, "Column 2").getByLabel("Model", { exact: true }).selectOption("claude-haiku-4-5");
    await page.getByRole("button", { name: "Add model" }).click();
    const third = modelGroup(page, "Column 3");
    await third.getByLabel("Provider").selectOption("google");
    await third.getByLabel("Model", { exact: true }).selectOption({ label: "Other model id…" });
    await third.getByLabel("Model id").fill("fake-400");

    await page.getByRole("button", { name: "Compare 3 models" }).click();
    await expect.poll(() => page.locator(".llm-results [role=status]").textContent(), { timeout: 20_000 }).toBe("2 of 3 models answered; 1 failed.");
    const columns = page.locator("article.llm-column");
    expect(await columns.count()).toBe(3);
    const [first, second, failed] = [columns.nth(0), columns.nth(1), columns.nth(2)];
    expect(await first.locator("h3").textContent()).toBe("OpenAI · gpt-4o-mini");
    expect(await first.locator("pre").textContent()).toBe("Echo: say hello to Ada");
    expect(await first.locator('[data-figure="output"]').textContent()).toBe("5");
    expect(await first.locator('[data-figure="cost"]').textContent()).toBe("$0.000004");
    expect(await second.locator("h3").textContent()).toBe("Anthropic · claude-haiku-4-5");
    expect(await second.locator("pre").textContent()).toBe("Echo: say hello to Ada");
    expect(await second.locator('[data-figure="input"]').textContent()).toBe("7");
    expect(await second.locator('[data-figure="latency"]').textContent()).toMatch(/\d+ m?s/);
    expect(await failed.getAttribute("data-state")).toBe("failed");
    expect(await failed.locator(".notice").textContent()).toMatch(/\S+.*\S/);
    expect(await page.locator(".badge", { hasText: "Cheapest" }).count()).toBe(1);

    expect(await captureViews(page, "llm-compare", (current) => current.locator("article.llm-column").first().waitFor())).toEqual([]);
  });

  it("logged no browser error on the way", () => {
    // The wrong key's test answers 422, which Chromium logs as a failed resource load: that one is expected.
    expect(watched.errors.filter((line) => !/422 \(Unprocessable (Content|Entity)\)/.test(line))).toEqual([]);
  });
});
