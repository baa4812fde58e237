// Webhooks in the browser (issue #18): an Admin opens Settings → Webhooks, adds an endpoint that
// points at a receiver on 127.0.0.1 (the local stack allows loopback URLs), copies its whsec_
// secret from the dialog that shows it once, sends a test event from the endpoint's delivery log
// and sees it delivered there, attempt and all; the receiver got it, signed with that secret
// (verified by the standardwebhooks library). A private address is refused with the API's reason.
// The page passes axe in light, dark and at 375 px, with no other browser error. Rotating shows the new secret once and says until when the old one still
// signs; deleting asks first. A Viewer is told that only Admins manage webhooks.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureViews, HAS_CHROMIUM, openDialog as dialog, openPage, poll, type WatchedPage } from "./support/browser.ts";
import { startSiteHarness, type SiteHarness } from "./support/site-stack.ts";
import { verifyAddressThroughInbox } from "../support/verify-address.ts";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 that answers every POST 200 "ok" and keeps what it got. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/xr2-hook`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!HAS_CHROMIUM)("webhooks in the browser", () => {
  let harness: SiteHarness;
  let watched: WatchedPage;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const email = `webhooks-${Date.now()}@example.com`;
  const viewerEmail = `webhooks-viewer-${Date.now()}@example.com`;
  const password = "correct horse battery staple";

  beforeAll(async () => {
    receiver = await startReceiver();
    harness = await startSiteHarness();
    const { api } = harness;
    const inbox = harness.stack.urls.mail!;
    const owner = await harness.signUp({ email, password, name: "Wendy Hooks" }, "Hooks team");
    await verifyAddressThroughInbox(api, inbox, email);
    const viewer = await api("POST", "/api/auth/register", { body: { email: viewerEmail, password, name: "Vic Viewer" } });
    expect(viewer.status, JSON.stringify(viewer.body)).toBe(201);
    await verifyAddressThroughInbox(api, inbox, viewerEmail);
    const invite = await api("POST", `/api/workspaces/${owner.workspaceId}/invite`, { token: owner.token, body: { email: viewerEmail, role: "viewer" } });
    expect(invite.status, JSON.stringify(invite.body)).toBe(201);
    const accepted = await api("POST", "/api/workspaces/invitations/accept", { token: viewer.body.access_token as string, body: { invite_token: invite.body.invite_token } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    watched = await openPage(harness.browser);
  }, 180_000);
  afterAll(async () => {
    await watched?.context.close();
    await harness?.stop();
    await receiver?.close();
  });

  it("adds an endpoint whose secret is shown once, sends it a test event and shows the delivery", async () => {
    const { page } = watched;
    await page.goto(`${harness.site}/settings/webhooks`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/settings\/webhooks$/);
    await page.getByText("No endpoints yet").waitFor();

    await page.getByRole("button", { name: "Add endpoint" }).first().click();
    // The API's refusal is shown as it comes, and the form stays open to correct it.
    await dialog(page).getByLabel("URL").fill("http://10.0.0.1/hook");
    await dialog(page).getByRole("button", { name: "Add endpoint" }).click();
    await poll(() => dialog(page).getByRole("alert").textContent()).toContain("is a private network address; webhooks are sent only to public addresses");
    // The browser logs that 400 itself; it is the only error so far.
    expect(watched.errors).toEqual([expect.stringMatching(/\/settings\/webhooks: console error: Failed to load resource: the server responded with a status of 400/)]);
    watched.errors.length = 0;
    await dialog(page).getByLabel("URL").fill(receiver.url);
    await dialog(page).getByLabel("Description").fill("Local receiver");
    await dialog(page).getByRole("checkbox", { name: /prompt\.created/ }).check();
    expect(await captureViews(page, "webhook-create", async (current) => void (await current.getByLabel("URL").waitFor()))).toEqual([]);
    await dialog(page).getByRole("button", { name: "Add endpoint" }).click();
    const shown = dialog(page).getByTestId("webhook-secret");
    await shown.waitFor();
    const secret = (await shown.textContent())!.trim();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await dialog(page).getByRole("button", { name: "I have copied the secret" }).click();

    const row = page.locator("tbody tr").filter({ hasText: receiver.url });
    await poll(() => row.textContent()).toContain("prompt.created");
    expect(await row.textContent()).toContain("Active");
    expect(await page.content()).not.toContain(secret);

    await row.getByRole("button", { name: `Deliveries to ${receiver.url}` }).click();
    const log = page.locator(`[data-deliveries-of]`);
    await log.getByText("Nothing sent yet").waitFor();
    await log.getByRole("button", { name: "Send test event" }).click();
    const delivery = log.locator("tbody tr").filter({ hasText: "webhook.test" });
    await poll(() => delivery.getAttribute("data-status")).toBe("succeeded");
    await delivery.getByText(/1 attempt/).click();
    await poll(() => delivery.textContent()).toContain("200");

    // The receiver got the test event, signed with the secret the page showed once.
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    const verified = new StandardWebhook(secret).verify(request!.body, {
      "webhook-id": String(request!.headers["webhook-id"]),
      "webhook-timestamp": String(request!.headers["webhook-timestamp"]),
      "webhook-signature": String(request!.headers["webhook-signature"]),
    }) as { type: string };
    expect(verified.type).toBe("webhook.test");

    expect(await captureViews(page, "webhooks", async (current) => void (await current.getByRole("heading", { name: /Deliveries/ }).waitFor()))).toEqual([]);
  });

  it("rotates the secret, shown once with the old one's overlap, and deletes the endpoint after asking", async () => {
    const { page } = watched;
    const row = page.locator("tbody tr").filter({ hasText: receiver.url });
    await row.getByRole("button", { name: `Rotate secret of ${receiver.url}` }).click();
    await dialog(page).getByRole("button", { name: "Rotate secret" }).click();
    const shown = dialog(page).getByTestId("webhook-secret");
    await shown.waitFor();
    expect((await shown.textContent())!.trim()).toMatch(/^whsec_/);
    expect(await dialog(page).textContent()).toContain("The previous secret stays valid until");
    await dialog(page).getByRole("button", { name: "I have copied the secret" }).click();
    await poll(() => row.textContent()).toContain("Previous secret valid until");

    await row.getByRole("button", { name: `Delete ${receiver.url}` }).click();
    await dialog(page).getByRole("button", { name: "Delete endpoint" }).click();
    await page.getByText("No endpoints yet").waitFor();
    expect(await page.locator("[data-deliveries-of]").count()).toBe(0);
  });

  it("tells a Viewer that only Admins manage webhooks", async () => {
    const viewer = await openPage(harness.browser);
    try {
      await viewer.page.goto(`${harness.site}/settings/webhooks`);
      await viewer.page.waitForURL(/\/sign-in/);
      await viewer.page.getByLabel("E-mail").fill(viewerEmail);
      await viewer.page.getByLabel("Password").fill(password);
      await viewer.page.getByRole("button", { name: "Sign in", exact: true }).click();
      await viewer.page.waitForURL(/\/settings\/webhooks$/);
      await viewer.page.getByText("Only Admins manage webhooks").waitFor();
      expect(await viewer.page.getByRole("button", { name: "Add endpoint" }).count()).toBe(0);
      expect(viewer.errors).toEqual([]);
    } finally {
      await viewer.context.close();
    }
  });

  it("logged no browser error on the way", () => {
    expect(watched.errors).toEqual([]);
  });
});
