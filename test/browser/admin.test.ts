// The account and admin pages in the browser. An Admin invites a teammate from Members (the link
// shown once), e-mails a seeded invitation again and withdraws it; the teammate opens the link
// signed out in a second browser, sees the workspace and the inviter, signs in through it (the
// address filled in) and lands in the workspace; a bad link says why it fails. The Admin makes the
// teammate a Viewer, who then sees the pages read-only. The Admin creates an API key (seen once,
// never again), revokes it, defines an event, finds all of it in the audit log (filtered, expanded,
// exported) and renames the workspace. Members, API keys, audit log and settings pass axe in light,
// dark and at 375 px.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { captureViews, downloadedFile, HAS_CHROMIUM, openDialog as dialog, openPage, poll, toasts as toast, type WatchedPage } from "./support/browser.ts";
import { linkIn, waitForMail } from "../../local/mail/read-inbox.ts";
import { verifyAddressThroughInbox } from "../support/verify-address.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

describe.skipIf(!HAS_CHROMIUM)("the account and admin pages in the browser", () => {
  let harness: SiteHarness;
  let admin: WatchedPage;
  let teammate: WatchedPage | undefined;
  const stamp = Date.now();
  const password = "correct horse battery staple";
  const adminEmail = `ada-${stamp}@example.com`;
  const teammateEmail = `ben-${stamp}@example.com`;
  const seededInviteEmail = `cleo-${stamp}@example.com`;
  let workspaceId = "";
  let invitationLink = "";

  beforeAll(async () => {
    harness = await startSiteHarness();
    const { api } = harness;
    const { token, workspaceId: created } = await harness.signUp({ email: adminEmail, password, name: "Ada Admin" }, "Growth team");
    workspaceId = created;
    // Only a verified Admin e-mails invitations and is named with their address.
    await verifyAddressThroughInbox(api, harness.stack.urls.mail!, adminEmail);
    const teammateAccount = await api("POST", "/api/auth/register", { body: { email: teammateEmail, password, name: "Ben Builder" } });
    expect(teammateAccount.status, JSON.stringify(teammateAccount.body)).toBe(201);
    const seeded = await api("POST", `/api/workspaces/${workspaceId}/invite`, { token, body: { email: seededInviteEmail, role: "viewer" } });
    expect(seeded.status, JSON.stringify(seeded.body)).toBe(201);
    admin = await openPage(harness.browser);
  }, 180_000);
  afterAll(async () => {
    await teammate?.context.close();
    await admin?.context.close();
    await harness?.stop();
  });

  const signIn = async (page: Page, email: string) => {
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  };
  const row = (page: Page, text: string | RegExp) => page.locator("tbody tr").filter({ hasText: text });
  /** A `captureViews` ready callback: the page scrolled to the top (the sticky top bar stays on top), then `check`. */
  const settled = (check: (page: Page) => Promise<unknown>) => async (page: Page) => {
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await check(page);
  };

  it("invites a teammate from Members: the link is shown once; a seeded invitation is e-mailed again, then withdrawn", async () => {
    const { page } = admin;
    await page.goto(`${harness.site}/members`);
    await page.waitForURL(/\/sign-in\?next=%2Fmembers/);
    await signIn(page, adminEmail);
    await page.waitForURL(/\/members$/);
    await page.getByRole("heading", { name: "Members", level: 1 }).waitFor();
    const self = row(page, adminEmail);
    await poll(() => self.textContent()).toMatch(/Ada Admin.*You.*Owner/);

    // The seeded invitation is pending; e-mail it again (a new link), then withdraw it.
    const seeded = row(page, seededInviteEmail);
    await poll(() => seeded.textContent()).toMatch(/Viewer.*Ada Admin/);
    await seeded.getByRole("button", { name: `Resend the invitation to ${seededInviteEmail}` }).click();
    await poll(() => toast(page).last().textContent()).toBe(`The invitation was e-mailed again to ${seededInviteEmail}`);
    await seeded.getByRole("button", { name: `Withdraw the invitation to ${seededInviteEmail}` }).click();
    await dialog(page).getByRole("button", { name: "Withdraw" }).click();
    await poll(() => toast(page).last().textContent()).toMatch(/invitation to .* was withdrawn/);
    await poll(() => seeded.count()).toBe(0);
    await page.getByText("No pending invitations").waitFor();

    await page.getByRole("button", { name: "Invite member" }).first().click();
    await dialog(page).getByLabel("E-mail").fill(teammateEmail);
    await dialog(page).getByLabel("Role").selectOption("member");
    await dialog(page).getByRole("button", { name: "Create invitation" }).click();
    const link = dialog(page).getByTestId("invitation-link");
    await link.waitFor();
    invitationLink = (await link.textContent())!.trim();
    expect(invitationLink).toMatch(new RegExp(`^${harness.site}/invitations/inv_`));
    expect(await dialog(page).textContent()).toMatch(/shown only now/);
    await dialog(page).getByRole("button", { name: "Copy link" }).click();
    await poll(() => page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(invitationLink);
    await dialog(page).getByRole("button", { name: "Done" }).click();
    await poll(() => dialog(page).count()).toBe(0);
    await poll(() => row(page, teammateEmail).textContent()).toMatch(/Member.*Ada Admin/);
    // The link is never shown again.
    expect(await page.content()).not.toContain(invitationLink.split("/invitations/")[1]);

  });

  it("lets the teammate accept the link in another browser after signing in through it", async () => {
    teammate = await openPage(harness.browser);
    const { page } = teammate;

    // A bad link first, signed out: the page says at once that it does not work.
    await page.goto(`${harness.site}/invitations/inv_not_a_real_token`);
    await page.getByRole("heading", { name: "This invitation link does not work" }).waitFor();
    expect(await page.getByRole("alert").textContent()).toMatch(/does not exist/);

    // The real link, signed out: it names the workspace and who invited, and sign-in comes back
    // to it with the invited address filled in.
    await page.goto(invitationLink);
    await page.getByRole("heading", { name: "You have been invited to xR2" }).waitFor();
    await poll(() => page.locator(".auth-card").textContent()).toContain(`Ada Admin (${adminEmail}) invited ${teammateEmail} to join the workspace “Growth team” as Member`);
    expect(await captureViews(page, "invitation", settled((current) => current.getByRole("link", { name: "Sign in to accept" }).waitFor()))).toEqual([]);
    await page.getByRole("link", { name: "Sign in to accept" }).click();
    await page.waitForURL(/\/sign-in\?next=%2Finvitations%2Finv_/);
    expect(await page.getByLabel("E-mail").inputValue()).toBe(teammateEmail);
    await signIn(page, teammateEmail);
    await page.waitForURL(new RegExp(`${invitationLink.replace(/[.]/g, "\\.")}$`));

    // Accepting needs a verified address: the teammate opens the verification e-mail's link, then the invitation again.
    await page.getByRole("heading", { name: "Join the workspace" }).waitFor();
    const verification = linkIn(await waitForMail(harness.stack.urls.mail!, teammateEmail, { subject: /Confirm your e-mail address/ }), "/verify-email");
    await page.goto(`${harness.site}${verification.pathname}${verification.search}`);
    await page.getByRole("heading", { name: "E-mail address verified" }).waitFor();
    await page.goto(invitationLink);

    // Signed in and verified now: accept, and the workspace becomes the current one.
    await page.getByRole("heading", { name: "Join the workspace" }).waitFor();
    expect(await page.locator(".auth-card").textContent()).toContain(teammateEmail);
    await page.getByRole("button", { name: "Accept invitation" }).click();
    await page.waitForURL(/\/prompts$/);
    await poll(() => page.getByLabel("Workspace").inputValue()).toBe(workspaceId);
    await poll(() => toast(page).last().textContent()).toMatch(/You joined “Growth team” as Member/);

    // The link worked once: opened again, the page says so before anyone clicks.
    await page.goto(invitationLink);
    await page.getByRole("heading", { name: "This invitation was already used" }).waitFor();
  });

  it("makes the teammate a Viewer, who then sees members, keys and settings read-only", async () => {
    const { page } = admin;
    await page.reload();
    const ben = row(page, teammateEmail);
    await poll(() => ben.textContent()).toMatch(/Ben Builder/);
    await ben.getByLabel("Role of Ben Builder").selectOption("viewer");
    expect(await dialog(page).textContent()).toMatch(/Change Ben Builder from Member to Viewer\?/);
    await dialog(page).getByRole("button", { name: "Change role" }).click();
    await poll(() => toast(page).last().textContent()).toBe("Ben Builder is now Viewer");
    await poll(() => ben.getByLabel("Role of Ben Builder").inputValue()).toBe("viewer");
    await poll(() => row(page, teammateEmail).count()).toBe(1);
    expect(await page.getByRole("heading", { name: "Pending invitations" }).count()).toBe(1);
    await page.getByText("No pending invitations").waitFor();
    expect(await captureViews(page, "members", settled((current) => row(current, teammateEmail).waitFor()))).toEqual([]);

    const viewer = teammate!.page;
    await viewer.goto(`${harness.site}/members`);
    await viewer.getByRole("heading", { name: "Members", level: 1 }).waitFor();
    await poll(() => row(viewer, adminEmail).textContent()).toMatch(/Ada Admin.*Owner.*Admin/);
    expect(await viewer.getByText(/Only Admins invite, change roles or remove members\. You are Viewer here\./).count()).toBe(1);
    expect(await viewer.getByRole("button", { name: /Invite member|Remove|Make owner/ }).count()).toBe(0);
    expect(await viewer.locator("select[aria-label], td select").count()).toBe(0);
    expect(await viewer.getByRole("heading", { name: "Pending invitations" }).count()).toBe(0);

    await viewer.goto(`${harness.site}/api-keys`);
    await viewer.getByText("Only Admins manage API keys").waitFor();
    expect(await viewer.getByRole("button", { name: "Create API key" }).count()).toBe(0);

    await viewer.goto(`${harness.site}/settings`);
    await viewer.getByRole("heading", { name: "Workspace" }).waitFor();
    expect(await viewer.getByLabel("Workspace name").count()).toBe(0);
    expect(await viewer.getByText("Only Admins change these settings. You can read them.").count()).toBe(1);

    await viewer.goto(`${harness.site}/audit-log`);
    await viewer.getByText("Viewers cannot read the audit log").waitFor();
  });

  it("creates an API key that is shown once, then revokes it", async () => {
    const { page } = admin;
    await page.getByRole("link", { name: "API keys" }).click();
    await page.waitForURL(/\/api-keys$/);
    await page.getByText("No API keys yet").waitFor();
    await page.getByRole("button", { name: "Create API key" }).first().click();
    await dialog(page).getByLabel("Name").fill("Checkout service");
    await dialog(page).getByRole("checkbox", { name: /events:write/ }).uncheck();
    await dialog(page).getByLabel("Environment").selectOption("production");
    await dialog(page).getByLabel("Expires").selectOption("90");
    await dialog(page).getByRole("button", { name: "Create key" }).click();
    const shown = dialog(page).getByTestId("new-api-key");
    await shown.waitFor();
    const key = (await shown.textContent())!.trim();
    expect(key).toMatch(/^xr2_live_[A-Za-z0-9_-]{20,}$/);
    expect(await dialog(page).textContent()).toMatch(/only time the key is shown/);
    expect(await captureViews(page, "api-key-created", () => shown.waitFor())).toEqual([]);
    await dialog(page).getByRole("button", { name: "Copy key" }).click();
    await poll(() => page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(key);
    await dialog(page).getByRole("button", { name: "I have copied the key" }).click();
    await poll(() => dialog(page).count()).toBe(0);

    const keyRow = row(page, "Checkout service");
    await poll(() => keyRow.textContent()).toMatch(/xr2_live_.*….*prompts:read.*production.*Never.*Active/);
    expect(await keyRow.textContent()).not.toContain("events:write");
    expect(await page.content()).not.toContain(key);
    await page.reload();
    await keyRow.waitFor();
    expect(await page.content()).not.toContain(key);

    // A second key, so the screenshot shows more than one row.
    await page.getByRole("button", { name: "Create API key" }).click();
    await dialog(page).getByLabel("Name").fill("Mobile app events");
    await dialog(page).getByRole("checkbox", { name: /prompts:read/ }).uncheck();
    await dialog(page).getByRole("button", { name: "Create key" }).click();
    await dialog(page).getByTestId("new-api-key").waitFor();
    await dialog(page).getByRole("button", { name: "I have copied the key" }).click();
    await poll(() => dialog(page).count()).toBe(0);
    await row(page, "Mobile app events").waitFor();
    expect(await captureViews(page, "api-keys", settled((current) => current.getByRole("heading", { name: "Keys", exact: true }).waitFor()))).toEqual([]);

    await keyRow.getByRole("button", { name: "Revoke Checkout service" }).click();
    expect(await dialog(page).textContent()).toMatch(/cannot be undone/);
    await dialog(page).getByRole("button", { name: "Revoke key" }).click();
    await poll(() => toast(page).last().textContent()).toBe("“Checkout service” was revoked");
    await poll(() => keyRow.count()).toBe(0);
    await page.getByLabel("Show revoked keys (1)").check();
    await poll(() => keyRow.textContent()).toMatch(/Revoked/);
    expect(await keyRow.getByRole("button", { name: /Revoke/ }).count()).toBe(0);
  });

  it("defines an event with typed fields and edits it", async () => {
    const { page } = admin;
    await page.getByRole("link", { name: "Events", exact: true }).click();
    await page.waitForURL(/\/event-definitions$/);
    await page.getByText("No events defined yet").waitFor();
    await page.getByRole("button", { name: "New definition" }).first().click();
    const form = dialog(page);
    await form.getByLabel("Event name").fill("checkout.completed");
    await form.getByLabel("Category").fill("conversion");
    await form.getByRole("button", { name: "+ Add required field" }).click();
    await form.getByLabel("Required fields: name of field 1").fill("order_id");
    await form.getByRole("button", { name: "+ Add optional field" }).click();
    await form.getByLabel("Optional fields: name of field 1").fill("1amount");
    await form.getByLabel("Optional fields: type of field 1").selectOption("number");
    await form.getByRole("button", { name: "Create definition" }).click();
    // Refused before sending: a field name cannot start with a digit.
    await poll(() => form.getByRole("alert").textContent()).toMatch(/Field “1amount”/);
    await form.getByLabel("Optional fields: name of field 1").fill("amount");
    await form.getByRole("button", { name: "Create definition" }).click();
    await poll(() => dialog(page).count()).toBe(0);
    const definition = row(page, "checkout.completed");
    await poll(() => definition.textContent()).toMatch(/checkout\.completed.*conversion.*order_id: string.*amount: number/);

    await definition.getByRole("button", { name: "Edit checkout.completed" }).click();
    await dialog(page).getByLabel("Description").fill("Sent when the payment succeeds");
    await dialog(page).getByRole("button", { name: "Save changes" }).click();
    await poll(() => definition.textContent()).toMatch(/Sent when the payment succeeds/);
    await poll(() => toast(page).last().textContent()).toBe("“checkout.completed” saved");
  });

  it("finds every change in the audit log, filtered, expanded and exported", async () => {
    const { page } = admin;
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.waitForURL(/\/audit-log$/);
    const actions = () => page.locator("tbody.audit-entry").evaluateAll((bodies) => bodies.map((body) => (body as unknown as { dataset: { action: string } }).dataset.action));
    await poll(actions).toContain("event_definition.update");
    expect(await actions()).toEqual(
      expect.arrayContaining(["workspace.create", "member.invite", "member.invite_revoke", "member.join", "member.role_change", "api_key.create", "api_key.revoke", "event_definition.create"]),
    );

    await page.getByLabel("Action").fill("api_key.revoke");
    await poll(actions).toEqual(["api_key.revoke"]);
    const entry = page.locator("tbody.audit-entry").first();
    await entry.getByRole("button", { name: /^Details/ }).click();
    await poll(() => entry.locator(".audit-details").textContent()).toMatch(/Before.*"revoked_at": null.*After.*"revoked_at": "20/s);
    expect(await entry.getByRole("button", { name: /^Hide/ }).getAttribute("aria-expanded")).toBe("true");

    await page.getByLabel("Action").fill("");
    await page.getByLabel("Actor").selectOption({ label: `Ben Builder (${teammateEmail})` });
    await poll(actions).toEqual(["member.join"]);
    await page.getByLabel("Actor").selectOption("");
    await page.getByLabel("Target type").selectOption("api_key");
    await poll(actions).toEqual(["api_key.revoke", "api_key.create", "api_key.create"]);
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel("From").fill(tomorrow);
    await page.getByLabel("From").dispatchEvent("change");
    await page.getByText("No entry matches these filters").waitFor();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await poll(actions).toContain("workspace.create");

    const { text: csv } = await downloadedFile(page, () => page.getByRole("button", { name: /Export CSV/ }).click());
    expect(csv.split("\r\n")[0]).toBe("created_at,actor_email,actor_user_id,action,target_type,target_id,before,after,request_id");
    expect(csv).toContain("api_key.revoke");
    expect(csv).toContain(adminEmail);

    await page.locator("tbody.audit-entry").filter({ hasText: "member.role_change" }).getByRole("button", { name: /^Details/ }).click();
    expect(await captureViews(page, "audit-log", settled((current) => current.locator(".audit-details").first().waitFor()))).toEqual([]);
  });

  it("renames the workspace and requires approval for production in Settings", async () => {
    const { page } = admin;
    await page.getByRole("link", { name: "Settings" }).click();
    await page.waitForURL(/\/settings$/);
    expect(await page.getByRole("link", { name: "LLM providers" }).getAttribute("href")).toBe("/settings/providers");
    const name = page.getByLabel("Workspace name");
    await poll(() => name.inputValue()).toBe("Growth team");
    await poll(() => page.locator("tr[data-limit]").count()).toBe(11);
    await name.fill("Growth & retention");
    await page.getByRole("button", { name: "Save name" }).click();
    await poll(() => toast(page).last().textContent()).toBe("Workspace renamed");
    await poll(() => page.locator(".topbar select").first().locator("option:checked").textContent()).toBe("Growth & retention");

    await page.getByRole("checkbox", { name: /Require an Admin's approval/ }).check();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await poll(() => toast(page).last().textContent()).toMatch(/now need an Admin's approval/);
    const login = await harness.api("POST", "/api/auth/login", { body: { email: adminEmail, password } });
    const saved = await harness.api("GET", `/api/workspaces/${workspaceId}`, { token: login.body.access_token });
    expect(saved.body).toMatchObject({ name: "Growth & retention", require_production_approval: true });

    expect(await captureViews(page, "settings", settled((current) => current.getByRole("heading", { name: "Limits and quotas" }).waitFor()))).toEqual([]);
  });

  it("logged no browser error on the way", () => {
    // The bad and the used invitation links answer 404 and 409, which Chromium logs as failed loads: those are expected.
    const expected = /the server responded with a status of (404|409)/;
    expect(admin.errors).toEqual([]);
    expect(teammate!.errors.filter((line) => !expected.test(line))).toEqual([]);
  });
});

