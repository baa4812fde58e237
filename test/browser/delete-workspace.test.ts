// Deleting a workspace in the browser (issue #15): an Admin opens Settings, finds the danger zone
// at the bottom, cannot delete until the name is typed exactly, deletes and lands in their other
// workspace; deleting that one too leads to the page that creates a workspace. The workspace's
// key is refused by the edge afterwards. The settings page with the danger zone passes axe.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureViews, HAS_CHROMIUM, openPage, poll, toasts as toast, type WatchedPage } from "./support/browser.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

describe.skipIf(!HAS_CHROMIUM)("deleting a workspace in the browser", () => {
  let harness: SiteHarness;
  let admin: WatchedPage;
  const email = `dana-${Date.now()}@example.com`;
  const password = "correct horse battery staple";
  let apiKey = "";

  beforeAll(async () => {
    harness = await startSiteHarness();
    // Workspaces are listed by name, so the site opens "Aardvark pilot" first.
    const { token, workspaceId } = await harness.signUp({ email, password, name: "Dana Admin" }, "Aardvark pilot");
    const key = await harness.api("POST", "/api/product-api-keys", { token, workspaceId, body: { name: "web app" } });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    apiKey = key.body.key as string;
    const other = await harness.api("POST", "/api/workspaces", { token, body: { name: "Zebra" } });
    expect(other.status).toBe(201);
    admin = await openPage(harness.browser);
  }, 180_000);
  afterAll(async () => {
    await admin?.context.close();
    await harness?.stop();
  });

  it("deletes the workspace once its name is typed, then lands in the other one, and finally on the create-workspace page", async () => {
    const { page } = admin;
    await page.goto(`${harness.site}/settings`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/settings$/);
    await page.getByRole("heading", { name: "Delete workspace" }).waitFor();

    const confirm = page.getByLabel("Type “Aardvark pilot” to confirm");
    const remove = page.getByRole("button", { name: "Delete this workspace" });
    await confirm.fill("aardvark pilot");
    expect(await remove.isDisabled()).toBe(true);
    expect(await captureViews(page, "settings-delete-workspace", async (current) => {
      await current.getByRole("heading", { name: "Delete workspace" }).scrollIntoViewIfNeeded();
    })).toEqual([]);
    await confirm.fill("Aardvark pilot");
    await remove.click();
    await poll(() => toast(page).last().textContent()).toBe("Workspace “Aardvark pilot” deleted");
    await page.waitForURL(/\/prompts$/);
    await poll(() => page.locator(".topbar select").first().locator("option:checked").textContent()).toBe("Zebra");
    const edge = await fetch(`${harness.stack.urls.edge}/api/v1/get-prompt/anything`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(edge.status).toBe(401);

    await page.goto(`${harness.site}/settings`);
    await page.getByLabel("Type “Zebra” to confirm").fill("Zebra");
    await page.getByRole("button", { name: "Delete this workspace" }).click();
    await page.waitForURL(/\/workspaces\/new$/);
    await page.getByRole("heading", { name: "New workspace" }).waitFor();
  });

  it("logged no browser error on the way", () => {
    expect(admin.errors).toEqual([]);
  });
});
