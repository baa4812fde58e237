// The local inbox speaks Resend's API: Resend's own Node SDK is the client here, pointed at the
// inbox through its RESEND_BASE_URL. It answers what Resend answers (ids, the stored e-mail,
// 401/403 for keys, 422 for invalid e-mails), stays bounded, and shows what it received on its
// pages and in the JSON listing the tests read.
import { request } from "node:http";
import { Resend } from "resend";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { latestMailId, linkIn, listMail, startMailInbox, waitForMail, type MailInbox } from "./index.ts";

const API_KEY = "re_test_inbox_key";
let inbox: MailInbox;
let resend: Resend;
let previousBaseUrl: string | undefined;

beforeAll(async () => {
  inbox = await startMailInbox({ apiKey: API_KEY, maxBodyBytes: 64 * 1024 });
  // The SDK's documented way to another endpoint, read when a client is constructed.
  previousBaseUrl = process.env.RESEND_BASE_URL;
  process.env.RESEND_BASE_URL = inbox.url;
  resend = new Resend(API_KEY);
});

afterAll(async () => {
  if (previousBaseUrl === undefined) delete process.env.RESEND_BASE_URL;
  else process.env.RESEND_BASE_URL = previousBaseUrl;
  await inbox.close();
});

beforeEach(async () => {
  expect((await fetch(`${inbox.url}/api/messages`, { method: "DELETE" })).status).toBe(200);
});

const FROM = "xR2 <no-reply@xr2.localhost>";

describe("Resend's API, through the resend SDK", () => {
  it("sends: answers an id, and GET /emails/{id} gives the e-mail back", async () => {
    const sent = await resend.emails.send({ from: FROM, to: "pat@example.com", subject: "Verify your address", text: "Open https://site.test/verify-email?token=t1", html: "<p>Open <a href=\"https://site.test/verify-email?token=t1\">this</a></p>" });
    expect(sent.error).toBeNull();
    const id = sent.data!.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const fetched = await resend.emails.get(id);
    expect(fetched.error).toBeNull();
    expect(fetched.data).toMatchObject({ object: "email", id, from: FROM, to: ["pat@example.com"], subject: "Verify your address", text: "Open https://site.test/verify-email?token=t1", last_event: "delivered" });
    expect(inbox.messages().map((message) => message.id)).toEqual([id]);
  });

  it("takes several recipients, cc and bcc, and names with addresses", async () => {
    const sent = await resend.emails.send({ from: FROM, to: ["Pat <pat@example.com>", "sam@example.com"], cc: "lee@example.com", bcc: ["kim@example.com"], subject: "Hello", text: "Hi" });
    expect(sent.error).toBeNull();
    for (const address of ["pat@example.com", "PAT@example.com", "sam@example.com", "lee@example.com", "kim@example.com"]) {
      expect((await listMail(inbox.url, address)).map((message) => message.id)).toEqual([sent.data!.id]);
    }
    expect(await listMail(inbox.url, "nobody@example.com")).toEqual([]);
  });

  it("refuses a wrong key with 403 invalid_api_key, and no key with 401 missing_api_key, as Resend does", async () => {
    const wrong = new Resend("re_not_the_key");
    const refused = await wrong.emails.send({ from: FROM, to: "pat@example.com", subject: "s", text: "t" });
    expect(refused.data).toBeNull();
    expect(refused.error).toMatchObject({ statusCode: 403, name: "invalid_api_key" });
    const missing = await fetch(`${inbox.url}/emails`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ statusCode: 401, name: "missing_api_key" });
    expect(inbox.messages()).toEqual([]);
  });

  it("refuses a request without a User-Agent with 403, as Resend does", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ from: FROM, to: "pat@example.com", subject: "s", text: "t" });
      const sending = request(`${inbox.url}/emails`, { method: "POST", headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      sending.on("error", reject).end(body);
    });
    expect(status).toBe(403);
    expect(inbox.messages()).toEqual([]);
  });

  it.each([
    ["no subject", { to: "pat@example.com", text: "t" }, "missing_required_field", "Missing `subject` field."],
    ["no to", { subject: "s", text: "t" }, "missing_required_field", "Missing `to` field."],
    ["neither html nor text", { to: "pat@example.com", subject: "s" }, "validation_error", "Missing `html` or `text` field."],
    ["a to that is not an address", { to: "pat at example", subject: "s", text: "t" }, "validation_error", "Invalid `to` field."],
    ["51 recipients", { to: Array.from({ length: 51 }, (_, index) => `r${index}@example.com`), subject: "s", text: "t" }, "validation_error", "at most 50"],
  ])("answers 422 like Resend for %s", async (_name, fields, name, message) => {
    const refused = await resend.emails.send({ from: FROM, ...fields } as Parameters<Resend["emails"]["send"]>[0]);
    expect(refused.data).toBeNull();
    expect(refused.error).toMatchObject({ statusCode: 422, name });
    expect(refused.error!.message).toContain(message);
    expect(inbox.messages()).toEqual([]);
  });

  it("refuses a sender that is not an address", async () => {
    const refused = await resend.emails.send({ from: "xR2", to: "pat@example.com", subject: "s", text: "t" });
    expect(refused.error).toMatchObject({ statusCode: 422, name: "validation_error", message: expect.stringContaining("Invalid `from` field") });
  });

  it("answers 404 not_found for an unknown e-mail, and 422 for a body that is not JSON", async () => {
    const unknown = await resend.emails.get(crypto.randomUUID());
    expect(unknown.error).toMatchObject({ statusCode: 404, name: "not_found" });
    const notJson = await fetch(`${inbox.url}/emails`, { method: "POST", headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" }, body: "{not json" });
    expect(notJson.status).toBe(422);
  });
});

describe("bounds", () => {
  it("refuses a body over the size limit with 413 and keeps nothing", async () => {
    const refused = await resend.emails.send({ from: FROM, to: "pat@example.com", subject: "big", text: "x".repeat(65 * 1024) });
    expect(refused.error).toMatchObject({ statusCode: 413 });
    expect(inbox.messages()).toEqual([]);
  });

  it("keeps only the newest maxMessages", async () => {
    const small = await startMailInbox({ apiKey: API_KEY, maxMessages: 3 });
    try {
      const client = new Resend(API_KEY, { baseUrl: small.url });
      for (let index = 1; index <= 5; index++) {
        expect((await client.emails.send({ from: FROM, to: "pat@example.com", subject: `message ${index}`, text: "t" })).error).toBeNull();
      }
      expect(small.messages().map((message) => message.subject)).toEqual(["message 5", "message 4", "message 3"]);
    } finally {
      await small.close();
    }
  });
});

describe("the inbox for tests and people", () => {
  it("lists messages newest first as JSON, filtered by addressee, and DELETE clears them", async () => {
    const first = await resend.emails.send({ from: FROM, to: "pat@example.com", subject: "first", text: "one", html: "<p>one</p>" });
    const second = await resend.emails.send({ from: FROM, to: "pat@example.com", subject: "second", text: "two" });
    await resend.emails.send({ from: FROM, to: "sam@example.com", subject: "other", text: "three" });
    const listed = (await (await fetch(`${inbox.url}/api/messages?to=pat@example.com`)).json()) as Array<Record<string, unknown>>;
    expect(listed).toEqual([
      { id: second.data!.id, from: FROM, to: ["pat@example.com"], subject: "second", text: "two", html: null, created_at: expect.any(String) },
      { id: first.data!.id, from: FROM, to: ["pat@example.com"], subject: "first", text: "one", html: "<p>one</p>", created_at: expect.any(String) },
    ]);
    expect(await listMail(inbox.url)).toHaveLength(3);
    const cleared = await fetch(`${inbox.url}/api/messages`, { method: "DELETE" });
    expect(await cleared.json()).toEqual({ deleted: 3 });
    expect(await listMail(inbox.url)).toEqual([]);
  });

  it("waitForMail finds the next message (after an earlier one, by subject) and linkIn its link", async () => {
    await resend.emails.send({ from: FROM, to: "pat@example.com", subject: "Verify your address", text: "Open https://site.test/verify-email?token=old" });
    const before = await latestMailId(inbox.url, "pat@example.com");
    const waiting = waitForMail(inbox.url, "pat@example.com", { subject: /verify/i, after: before });
    await resend.emails.send({ from: FROM, to: "pat@example.com", subject: "Something else", text: "https://site.test/other" });
    await resend.emails.send({ from: FROM, to: "pat@example.com", subject: "Verify your address", text: "See https://site.test/help and then\nhttps://site.test/verify-email?token=new_1-2 to finish." });
    const message = await waiting;
    const link = linkIn(message, "/verify-email");
    expect(link.origin).toBe("https://site.test");
    expect(link.searchParams.get("token")).toBe("new_1-2");
    expect(() => linkIn(message, "/reset-password")).toThrow(/no link to \/reset-password/);
    await expect(waitForMail(inbox.url, "nobody@example.com", { timeoutMs: 300 })).rejects.toThrow(/no e-mail to nobody@example.com arrived/);
  });

  it("shows the list and each message: text with live links, HTML in a sandboxed frame, values escaped", async () => {
    const sent = await resend.emails.send({
      from: FROM,
      to: "pat@example.com",
      subject: "Join <b>Growth</b>",
      text: "Open https://site.test/invitations/abc & join",
      html: '<p>Open <a href="https://site.test/invitations/abc">the invitation</a></p><script>alert(1)</script>',
    });
    const list = await fetch(inbox.url);
    expect(list.headers.get("content-security-policy")).toContain("default-src 'none'");
    const listPage = await list.text();
    expect(listPage).toContain(`href="/messages/${sent.data!.id}"`);
    expect(listPage).toContain("Join &lt;b&gt;Growth&lt;/b&gt;");
    expect(listPage).not.toContain("<b>Growth");

    const page = await (await fetch(`${inbox.url}/messages/${sent.data!.id}`)).text();
    expect(page).toContain('<a href="https://site.test/invitations/abc" rel="noreferrer">https://site.test/invitations/abc</a> &amp; join');
    const frame = /<iframe title="HTML version" sandbox="([^"]*)" srcdoc="([^"]*)"><\/iframe>/.exec(page);
    expect(frame?.[1]).toBe("allow-popups allow-popups-to-escape-sandbox");
    // The message's markup is only inside the attribute, escaped; no script of it reaches the page.
    expect(frame?.[2]).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).not.toContain("<script>");

    expect((await fetch(`${inbox.url}/messages/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it("Delete all on the page clears the inbox", async () => {
    await resend.emails.send({ from: FROM, to: "pat@example.com", subject: "s", text: "t" });
    const cleared = await fetch(`${inbox.url}/clear`, { method: "POST", redirect: "manual" });
    expect(cleared.status).toBe(303);
    expect(cleared.headers.get("location")).toBe("/");
    expect(inbox.messages()).toEqual([]);
  });
});
