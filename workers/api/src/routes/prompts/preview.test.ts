import { describe, expect, it } from "vitest";
import { addPrompt, testContext } from "../../testing/fixtures.ts";
import { call, createTeam } from "../../testing/http.ts";

async function setup() {
  const team = await createTeam(["viewer"]);
  const ctx = testContext();
  const prompt = await addPrompt(ctx, team.workspace.id, ["Hello {name}!"]);
  await ctx.dispose();
  return { ...team, prompt, as: (token: string) => ({ token, workspaceId: team.workspace.id }) };
}

const variables = [
  { name: "name", type: "string", required: true },
  { name: "count", type: "number", required: false, default: 2 },
];

describe("POST /api/prompts/{promptId}/preview", () => {
  it("renders unsaved content with sample values, even for a Viewer", async () => {
    const { prompt, members, as } = await setup();
    const response = await call("POST", `/api/prompts/${prompt.promptId}/preview`, {
      ...as(members[0]!.access_token),
      body: { content: "Hi {name}, {count} items.{% if vip %} VIP{% endif %}", variables, values: { name: "Ada", count: "3" } },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true, content: "Hi Ada, 3 items.", messages: null, values: { name: "Ada", count: 3 }, variables_used: ["name", "count", "vip"] });
  });

  it("renders a stored version and chat messages", async () => {
    const { prompt, owner, as } = await setup();
    const stored = await call("POST", `/api/prompts/${prompt.promptId}/preview`, { ...as(owner.access_token), body: { version_id: prompt.versionIds[0], values: { name: "Lin" } } });
    expect(stored.body).toMatchObject({ ok: true, content: "Hello Lin!" });
    const chat = await call("POST", `/api/prompts/${prompt.promptId}/preview`, {
      ...as(owner.access_token),
      body: { messages: [{ role: "system", content: "Help {name}." }], variables, values: { name: "Sam" } },
    });
    expect(chat.body).toMatchObject({ ok: true, content: null, messages: [{ role: "system", content: "Help Sam." }] });
  });

  it("lists template problems naming the variable and its position, with 200", async () => {
    const { prompt, owner, as } = await setup();
    const missing = await call("POST", `/api/prompts/${prompt.promptId}/preview`, { ...as(owner.access_token), body: { content: "line one\nHi {name}", variables, values: {} } });
    expect(missing.status).toBe(200);
    expect(missing.body).toMatchObject({ ok: false, errors: [expect.objectContaining({ code: "missing_variable", variable: "name" })] });
    const syntax = await call("POST", `/api/prompts/${prompt.promptId}/preview`, { ...as(owner.access_token), body: { content: "{% if x %}never closed", values: {} } });
    expect(syntax.body).toMatchObject({ ok: false, errors: [expect.objectContaining({ code: "syntax", position: expect.objectContaining({ line: 1 }) })] });
  });

  it("answers 400 to an ambiguous or malformed request and 404 for another workspace's prompt", async () => {
    const mine = await setup();
    const theirs = await setup();
    expect((await call("POST", `/api/prompts/${mine.prompt.promptId}/preview`, { ...mine.as(mine.owner.access_token), body: { content: "a", version_id: mine.prompt.versionIds[0] } })).status).toBe(400);
    expect((await call("POST", `/api/prompts/${mine.prompt.promptId}/preview`, { ...mine.as(mine.owner.access_token), body: { values: {} } })).status).toBe(400);
    expect((await call("POST", `/api/prompts/${mine.prompt.promptId}/preview`, { ...mine.as(mine.owner.access_token), body: { content: "a", values: { name: { nested: 1 } } } })).status).toBe(400);
    expect((await call("POST", `/api/prompts/${theirs.prompt.promptId}/preview`, { ...mine.as(mine.owner.access_token), body: { content: "a" } })).status).toBe(404);
    expect((await call("POST", `/api/prompts/${mine.prompt.promptId}/preview`, { ...mine.as(mine.owner.access_token), body: { version_id: theirs.prompt.versionIds[0] } })).status).toBe(404);
  });
});
