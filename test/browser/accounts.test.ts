// Accounts in the browser, through the local inbox as a person would: the test reads each e-mail
// and opens its link with the page. A new user signs up (a too-easy password refused with the
// reason), sees the banner asking to verify, resends the e-mail, opens its link and the banner
// is gone. They forget their password: the reset e-mail's link sets a new one, the new password
// signs in, the old one and a session from before are refused. An invitee opens the invitation
// e-mail's link, sees the workspace and the inviter, signs up with the address filled in,
// verifies it and joins. The new pages pass axe in light, dark and at 375 px.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { captureViews, HAS_CHROMIUM, openPage, poll, type WatchedPage } from "./support/browser.ts";
import { latestMailId, linkIn, waitForMail } from "../../local/mail/read-inbox.ts";
import { verifyAddressThroughInbox } from "../support/verify-address.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";

describe.skipIf(!HAS_CHROMIUM)("accounts through the local inbox", () => {
  let harness: SiteHarness;
  let inboxUrl = "";
  const watched: WatchedPage[] = [];
  const stamp = Date.now();
  const password = "correct horse battery staple 42";
  const newPassword = "violet lantern across quiet harbor 7";
  const userEmail = `pia-${stamp}@example.com`;
  const adminEmail = `ada-${stamp}@example.com`;
  const inviteeEmail = `ines-${stamp}@example.com`;
  let workspaceId = "";
  let adminToken = "";

  beforeAll(async () => {
    harness = await startSiteHarness();
    if (!harness.stack.urls.mail) throw new Error("the test stack started no local inbox (is RESEND_API_KEY set in .dev.vars?)");
    inboxUrl = harness.stack.urls.mail;
    ({ workspaceId, token: adminToken } = await harness.signUp({ email: adminEmail, password, name: "Ada Admin" }, "Growth team"));
    // Only a verified Admin e-mails invitations and is named with their address.
    await verifyAddressThroughInbox(harness.api, inboxUrl, adminEmail);
  }, 180_000);
  afterAll(async () => {
    for (const { context } of watched) await context.close();
    await harness?.stop();
  });

  const open = async () => {
    const opened = await openPage(harness.browser);
    watched.push(opened);
    return opened.page;
  };
  const banner = (page: Page) => page.getByRole("region", { name: /Verify your e-mail address/ });
  const signIn = async (page: Page, email: string, secret: string) => {
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(secret);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  };
  const VERIFICATION = /Confirm your e-mail address/;
  const RESET = /Reset your xR2 password/;
  const INVITATION = /invited you to .* on xR2/;
  /** The link to `path` in the newest e-mail to `to` with a subject matching `subject` (newer than the message `after`). */
  const mailedLink = async (to: string, subject: RegExp, path: string, after?: string) => linkIn(await waitForMail(inboxUrl, to, { subject, after, timeoutMs: 15_000 }), path);
  /** A link from the inbox points at this stack's site, and the page opens it. */
  const follow = async (page: Page, link: URL) => {
    expect(link.origin).toBe(new URL(harness.site).origin);
    await page.goto(link.toString());
  };

  it("signs up, is asked to verify the address, resends the e-mail and verifies through its link", async () => {
    const page = await open();
    await page.goto(`${harness.site}/sign-up`);
    await page.getByLabel("Name").fill("Pia Product");
    await page.getByLabel("E-mail").fill(userEmail);
    // The API's estimator refuses a password that is long enough but easy to guess, and says why.
    await page.getByLabel("Password").fill("password12");
    await page.getByRole("button", { name: "Create account" }).click();
    await poll(() => page.getByRole("alert").textContent()).toMatch(/This password is too easy to guess: \S/);
    expect(page.url()).toMatch(/\/sign-up$/);

    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { name: "New workspace" }).waitFor();
    await banner(page).waitFor();
    expect(await banner(page).textContent()).toContain(userEmail);
    await mailedLink(userEmail, VERIFICATION, "/verify-email");

    // "Resend e-mail" sends another one; asked too often, the API's limit says when to try again.
    const first = await latestMailId(inboxUrl, userEmail);
    const retryAfters: number[] = [];
    page.on("response", (response) => {
      if (response.url().endsWith("/api/auth/resend-verification") && response.status() === 429) retryAfters.push(Number(response.headers()["retry-after"]));
    });
    await banner(page).getByRole("button", { name: "Resend e-mail" }).click();
    await poll(() => banner(page).getByRole("status").textContent()).toContain(`We sent a new link to ${userEmail}`);
    await mailedLink(userEmail, VERIFICATION, "/verify-email", first);
    for (let attempt = 0; attempt < 5; attempt++) {
      await banner(page).getByRole("button", { name: "Resend e-mail" }).click();
      await poll(() => banner(page).getByRole("button", { name: "Resend e-mail" }).isEnabled()).toBe(true);
      if (/try again/i.test((await banner(page).getByRole("status").textContent()) ?? "")) break;
    }
    // The wait is the limit window's end (Retry-After), in the largest whole unit: at a window's
    // last minute that is seconds, otherwise minutes (an hour at most).
    const refusal = (await banner(page).getByRole("status").textContent()) ?? "";
    const [, amount, unit] = refusal.match(/^Too many .*\. Try again in (\d+) (second|minute|hour)s?\.$/) ?? [];
    expect(unit, refusal).toBeDefined();
    const unitSeconds = { second: 1, minute: 60, hour: 3_600 }[unit as "second" | "minute" | "hour"];
    const retryAfter = retryAfters.at(-1);
    expect(retryAfter).toBeGreaterThan(0);
    expect(Math.abs(Number(amount) * unitSeconds - retryAfter!)).toBeLessThanOrEqual(unitSeconds / 2 + 5);
    expect(await captureViews(page, "verify-banner", (current) => banner(current).waitFor())).toEqual([]);

    // The newest e-mail's link (only the newest works) verifies the address.
    const link = await mailedLink(userEmail, VERIFICATION, "/verify-email");
    expect(link.searchParams.get("token")).toBeTruthy();
    await follow(page, link);
    await page.getByRole("heading", { name: "E-mail address verified" }).waitFor();
    expect(await page.locator(".auth-card").textContent()).toContain(`${userEmail} is verified. Thank you.`);
    expect(await captureViews(page, "verify-email", (current) => current.getByRole("link", { name: "Continue to xR2" }).waitFor())).toEqual([]);
    await page.getByRole("link", { name: "Continue to xR2" }).click();
    await page.getByRole("heading", { name: "New workspace" }).waitFor();
    expect(await banner(page).count()).toBe(0);
    // After a reload too: the API says the address is verified.
    await page.reload();
    await page.getByRole("heading", { name: "New workspace" }).waitFor();
    expect(await banner(page).count()).toBe(0);

    // The same link a second time does not work, and says what to do.
    await follow(page, link);
    await page.getByRole("heading", { name: "E-mail address verified" }).waitFor();
    expect(await page.locator(".auth-card").textContent()).toMatch(/verified already/);
    const stranger = await open();
    await follow(stranger, link);
    await stranger.getByRole("heading", { name: "This link did not verify your address" }).waitFor();
    expect(await stranger.getByRole("alert").textContent()).toMatch(/invalid or has expired/);
    expect(await stranger.getByRole("link", { name: "Sign in" }).count()).toBe(1);
  });

  it("resets a forgotten password through the e-mail: the new one signs in, the old one and earlier sessions are refused", async () => {
    // A session from before the reset, in another browser.
    const before = await open();
    await before.goto(`${harness.site}/sign-in`);
    await signIn(before, userEmail, password);
    await before.getByRole("heading", { name: "New workspace" }).waitFor();

    const page = await open();
    await page.goto(`${harness.site}/sign-in`);
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await page.getByRole("heading", { name: "Reset your password" }).waitFor();
    expect(await captureViews(page, "forgot-password", (current) => current.getByLabel("E-mail").waitFor())).toEqual([]);

    // An unknown address gets the same answer as a known one.
    const unknown = `nobody-${stamp}@example.com`;
    await page.getByLabel("E-mail").fill(unknown);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await poll(() => page.getByRole("status").textContent()).toContain(`If an account exists for ${unknown}, we sent a link to it.`);
    await page.getByRole("button", { name: "Use another address" }).click();
    await page.getByLabel("E-mail").fill(userEmail);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await poll(() => page.getByRole("status").textContent()).toContain(`If an account exists for ${userEmail}, we sent a link to it.`);

    const link = await mailedLink(userEmail, RESET, "/reset-password");
    await follow(page, link);
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    expect(await captureViews(page, "reset-password", (current) => current.getByLabel("New password", { exact: true }).waitFor())).toEqual([]);
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("Confirm new password").fill(`${newPassword}!`);
    await page.getByRole("button", { name: "Set new password" }).click();
    await poll(() => page.locator(".field-error").textContent()).toMatch(/differ/);
    // Too easy to guess: the API says why, and the link is still good.
    await page.getByLabel("New password", { exact: true }).fill("password12");
    await page.getByLabel("Confirm new password").fill("password12");
    await page.getByRole("button", { name: "Set new password" }).click();
    await poll(() => page.getByRole("alert").textContent()).toMatch(/This password is too easy to guess: \S/);
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("Confirm new password").fill(newPassword);
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.waitForURL(/\/sign-in\?reset=done$/);
    expect(await page.getByRole("status").textContent()).toMatch(/password was changed/);

    await signIn(page, userEmail, password);
    await poll(() => page.getByRole("alert").textContent()).toMatch(/password|credentials|invalid/i);
    await signIn(page, userEmail, newPassword);
    await page.getByRole("heading", { name: "New workspace" }).waitFor();

    // The session from before the reset is over: a reload lands on sign-in.
    await before.reload();
    await before.waitForURL(/\/sign-in\?next=/);
    await before.getByRole("heading", { name: "Sign in" }).waitFor();

    // The link worked once.
    await follow(page, link);
    await page.getByLabel("New password", { exact: true }).fill(`${newPassword} again`);
    await page.getByLabel("Confirm new password").fill(`${newPassword} again`);
    await page.getByRole("button", { name: "Set new password" }).click();
    await poll(() => page.getByRole("alert").textContent()).toMatch(/invalid or has expired/);
    expect(await page.getByRole("link", { name: "Send a new link" }).count()).toBe(1);
  });

  it("joins through the invitation e-mail: the page names the workspace and the inviter, sign-up has the address filled in", async () => {
    const invited = await harness.api("POST", `/api/workspaces/${workspaceId}/invite`, { token: adminToken, body: { email: inviteeEmail, role: "member" } });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);

    const page = await open();
    const link = await mailedLink(inviteeEmail, INVITATION, "/invitations/");
    expect(link.pathname).toBe(`/invitations/${invited.body.invite_token}`);
    await follow(page, link);
    await page.getByRole("heading", { name: "You have been invited to xR2" }).waitFor();
    const card = page.locator(".auth-card");
    await poll(() => card.textContent()).toContain("“Growth team”");
    expect(await card.textContent()).toContain(`Ada Admin (${adminEmail}) invited ${inviteeEmail} to join the workspace “Growth team” as Member`);
    expect(await captureViews(page, "invitation-preview", (current) => current.getByRole("link", { name: "Create an account" }).waitFor())).toEqual([]);

    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/sign-up\?/);
    expect(await page.getByLabel("E-mail").inputValue()).toBe(inviteeEmail);
    await page.getByLabel("Name").fill("Ines Invitee");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(new RegExp(`/invitations/${invited.body.invite_token}$`));
    await page.getByRole("heading", { name: "Join the workspace" }).waitFor();

    // The address is verified from the e-mail, then the invitation accepted.
    await follow(page, await mailedLink(inviteeEmail, VERIFICATION, "/verify-email"));
    await page.getByRole("heading", { name: "E-mail address verified" }).waitFor();
    expect(await page.locator(".auth-card").textContent()).toContain(`${inviteeEmail} is verified. Thank you.`);
    // Signed in still (the page renewed the session on arrival): it links into the app.
    await page.getByRole("link", { name: "Continue to xR2" }).waitFor();
    await follow(page, link);
    await page.getByRole("heading", { name: "Join the workspace" }).waitFor();
    await page.getByRole("button", { name: "Accept invitation" }).click();
    await page.waitForURL(/\/prompts$/);
    await poll(() => page.getByLabel("Workspace").inputValue()).toBe(workspaceId);
    expect(await page.getByLabel("Workspace").locator("option:checked").textContent()).toBe("Growth team");
    expect(await banner(page).count()).toBe(0);

    // The link worked once: opened again, the page says so before anyone clicks.
    await follow(page, link);
    await page.getByRole("heading", { name: "This invitation was already used" }).waitFor();
  });

  it("logged no browser error on the way", () => {
    // Refusals the pages show (a weak password, a used link, a wrong password, the resend limit)
    // are answered 400, 401 and 429, which Chromium logs as failed resource loads: those are expected.
    const errors = watched.flatMap((page) => page.errors);
    expect(errors.filter((line) => !/status of (400|401|429) \(/.test(line))).toEqual([]);
  });
});
