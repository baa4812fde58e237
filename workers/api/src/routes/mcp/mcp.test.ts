/**
 * The MCP endpoint through the official SDK's client (Streamable HTTP transport) against the
 * API app in workerd, and the tool dispatcher's permission check for access-token scopes.
 * The calls authenticate as assistants do, with an access token (`xr2_at_…`, which names its
 * workspace), created through POST /api/access-tokens; the scopes test uses a read-only one.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { createApiApp } from "../../app.ts";
import { createPromptFixture, testContext } from "../../testing/fixtures.ts";
import { call } from "../../testing/http.ts";
import { createPrompt, createVersion, workspaceWith, type Actor } from "../prompts/prompt-test-support.ts";
import { runTool } from "./run-tool.ts";
import { TOOLS } from "./tools.ts";

/** The API app as the client's fetch: each request goes through createApiApp() in this isolate. */
async function workerFetch(url: string | URL, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await createApiApp().fetch(new Request(url, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** An access token of `as` in its workspace with `scopes`. */
async function accessToken(as: Actor, scopes: string[]): Promise<string> {
  const created = await as.call("POST", "/api/access-tokens", { name: `MCP ${scopes.join(" ")}`, scopes });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body!.token as string;
}

/** A client connected with an access token of `as` (all prompt scopes unless `scopes` says otherwise). */
async function connect(as: Actor, scopes = ["prompts:read", "prompts:write", "prompts:publish"]): Promise<Client> {
  const token = await accessToken(as, scopes);
  const transport = new StreamableHTTPClientTransport(new URL("http://api.test/mcp"), {
    fetch: workerFetch,
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: "xr2-test", version: "1.0.0" }, { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() });
  await client.connect(transport);
  return client;
}

async function callTool(client: Client, name: string, args: Record<string, unknown>) {
  return (await client.callTool({ name, arguments: args })) as CallToolResult & { structuredContent?: Record<string, any> };
}

function text(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

describe("MCP endpoint", () => {
  let owner: Actor;
  let member: Actor;
  let viewer: Actor;
  let memberClient: Client;

  beforeAll(async () => {
    const team = await workspaceWith("member", "viewer");
    owner = team.owner;
    [member, viewer] = team.members;
    memberClient = await connect(member);
  });

  it("lists its tools with their input schemas", async () => {
    const { tools } = await memberClient.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(["create_draft_version", "diff_versions", "get_prompt", "get_version", "list_prompts", "list_versions", "preview_render", "publish_version"]);
    expect(tools.find((tool) => tool.name === "publish_version")!.inputSchema.properties).toHaveProperty("environment");
  });

  it("lists prompts, creates a draft and publishes it to staging; production is refused", async () => {
    const prompt = await createPrompt(owner, { name: "Welcome e-mail for MCP" });
    const listed = await callTool(memberClient, "list_prompts", { query: prompt.slug });
    expect(listed.isError, text(listed)).toBeFalsy();
    expect(listed.structuredContent!.prompts.map((found: { id: string }) => found.id)).toEqual([prompt.id]);
    expect(text(listed)).toContain(prompt.slug);

    const draft = await callTool(memberClient, "create_draft_version", {
      prompt: prompt.slug,
      content: "Hello {name}, welcome aboard",
      variables: [{ name: "name", type: "string", required: true }],
      model_config: { model: "gpt-4o-mini", temperature: 0.2 },
      changelog: "written by an assistant",
    });
    expect(draft.isError, text(draft)).toBeFalsy();
    expect(draft.structuredContent).toMatchObject({ prompt_id: prompt.id, version_number: 1, status: "draft", content: "Hello {name}, welcome aboard" });

    const preview = await callTool(memberClient, "preview_render", { prompt: prompt.id, version: 1, values: { name: "Ada" } });
    expect(preview.isError, text(preview)).toBeFalsy();
    expect(text(preview)).toBe("Hello Ada, welcome aboard");

    const published = await callTool(memberClient, "publish_version", { prompt: prompt.slug, version: 1, environment: "staging" });
    expect(published.isError, text(published)).toBeFalsy();
    expect(published.structuredContent).toMatchObject({ status: "deployed", environment: "staging", version: 1 });

    const refused = await callTool(memberClient, "publish_version", { prompt: prompt.slug, version: 1, environment: "production" });
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent!.error.code).toBe("FORBIDDEN");
    expect(text(refused)).toMatch(/approval flow/);

    const read = await callTool(memberClient, "get_prompt", { prompt: prompt.slug });
    expect(read.structuredContent!.environments.staging).toMatchObject({ version_number: 1 });
    expect(read.structuredContent!.environments.production).toBeUndefined();
    // What REST sees is the same state.
    const rest = await member.call("GET", `/api/prompts/${prompt.id}`);
    expect(rest.body!.environments.staging.version_number).toBe(1);
  });

  it("reads versions by number, lists them and diffs two", async () => {
    const prompt = await createPrompt(owner);
    await createVersion(owner, prompt.id, { content: "Hello {name}\nBye" });
    await createVersion(owner, prompt.id, { content: "Hello {name}\nSee you" });
    const versions = await callTool(memberClient, "list_versions", { prompt: prompt.slug });
    expect(versions.structuredContent!.versions.map((version: { version_number: number }) => version.version_number)).toEqual([2, 1]);
    const second = await callTool(memberClient, "get_version", { prompt: prompt.slug, version: "2" });
    expect(second.structuredContent).toMatchObject({ version_number: 2, content: "Hello {name}\nSee you" });
    const diff = await callTool(memberClient, "diff_versions", { prompt: prompt.id, from: 1, to: second.structuredContent!.id });
    expect(diff.isError, text(diff)).toBeFalsy();
    expect(diff.structuredContent!.content).toEqual([
      { op: "equal", text: "Hello {name}" },
      { op: "delete", text: "Bye" },
      { op: "insert", text: "See you" },
    ]);
    expect(text(diff)).toContain("-Bye\n+See you");
  });

  it("answers template errors as a tool error with line and variable, and saves nothing", async () => {
    const prompt = await createPrompt(owner);
    const syntax = await callTool(memberClient, "create_draft_version", { prompt: prompt.id, content: "Hello {name}\n{% if vip %}Welcome back" });
    expect(syntax.isError).toBe(true);
    expect(syntax.structuredContent!.error.code).toBe("VALIDATION_FAILED");
    expect(text(syntax)).toMatch(/line 2/);

    const undeclared = await callTool(memberClient, "create_draft_version", {
      prompt: prompt.id,
      messages: [
        { role: "system", content: "You help {name}." },
        { role: "user", content: "Hi\nMy plan is {plan}" },
      ],
      variables: [{ name: "name", type: "string" }],
    });
    expect(undeclared.isError).toBe(true);
    expect(undeclared.structuredContent!.error.details).toEqual([expect.objectContaining({ code: "unknown_variable", variable: "plan", message_index: 1, position: expect.objectContaining({ line: 2 }) })]);
    expect(text(undeclared)).toMatch(/message 2, line 2, column \d+: variable "plan"/);

    const versions = await callTool(memberClient, "list_versions", { prompt: prompt.id });
    expect(versions.structuredContent!.versions).toEqual([]);
  });

  it("refuses an include of an unknown slug as the API does, and saves nothing", async () => {
    const prompt = await createPrompt(owner);
    const refused = await callTool(memberClient, "create_draft_version", { prompt: prompt.id, content: 'Hello {% include "no-such-snippet" %}' });
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent!.error.code).toBe("VALIDATION_FAILED");
    expect(text(refused)).toContain('{% include "no-such-snippet" %}: there is no prompt with the slug "no-such-snippet" in this workspace');
    const versions = await callTool(memberClient, "list_versions", { prompt: prompt.id });
    expect(versions.structuredContent!.versions).toEqual([]);
  });

  it("answers invalid tool input as a tool error", async () => {
    const prompt = await createPrompt(owner);
    const neither = await callTool(memberClient, "create_draft_version", { prompt: prompt.id });
    expect(neither.isError).toBe(true);
    expect(text(neither)).toMatch(/exactly one of content/);
    const badEnvironment = await callTool(memberClient, "publish_version", { prompt: prompt.id, version: 1, environment: "qa" });
    expect(badEnvironment.isError).toBe(true);
    expect(text(badEnvironment)).toMatch(/Input validation error/);
    const unknownField = await callTool(memberClient, "get_prompt", { prompt: prompt.id, workspace: "ws_other" });
    expect(unknownField.isError).toBe(true);
    // A version number past Postgres' integer is refused as input, not by the database.
    const huge = await callTool(memberClient, "get_version", { prompt: prompt.id, version: 3_000_000_000 });
    expect(huge.isError).toBe(true);
    expect(text(huge)).toMatch(/Input validation error/);
  });

  it("does not find another workspace's prompt, by id or by slug", async () => {
    const stranger = (await workspaceWith()).owner;
    const theirs = await createPrompt(stranger);
    for (const reference of [theirs.id, theirs.slug]) {
      const result = await callTool(memberClient, "get_prompt", { prompt: reference });
      expect(result.isError).toBe(true);
      expect(result.structuredContent!.error.code).toBe("NOT_FOUND");
    }
    const draft = await callTool(memberClient, "create_draft_version", { prompt: theirs.id, content: "taken over" });
    expect(draft.structuredContent!.error.code).toBe("NOT_FOUND");
    const versions = await stranger.call("GET", `/api/prompts/${theirs.id}/versions`);
    expect(versions.body!.versions).toEqual([]);
  });

  it("applies the caller's role: a viewer reads but cannot write or publish", async () => {
    const prompt = await createPrompt(owner);
    await createVersion(owner, prompt.id, { content: "Hello" });
    const client = await connect(viewer, ["prompts:read"]);
    expect((await callTool(client, "get_prompt", { prompt: prompt.id })).isError).toBeFalsy();
    const draft = await callTool(client, "create_draft_version", { prompt: prompt.id, content: "Hi" });
    expect(draft.structuredContent!.error).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("prompts.write") });
    const publish = await callTool(client, "publish_version", { prompt: prompt.id, version: 1, environment: "staging" });
    expect(publish.structuredContent!.error.code).toBe("FORBIDDEN");
  });

  it("applies a token's scopes: a prompts:read token of a member reads, and cannot write or publish", async () => {
    const prompt = await createPrompt(owner);
    await createVersion(owner, prompt.id, { content: "Hello" });
    const client = await connect(member, ["prompts:read"]);
    expect((await callTool(client, "list_prompts", { query: prompt.slug })).structuredContent!.prompts).toHaveLength(1);
    const draft = await callTool(client, "create_draft_version", { prompt: prompt.id, content: "Hi" });
    expect(draft.structuredContent!.error).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/access token's scopes \(prompts:read\)/) });
    const publish = await callTool(client, "publish_version", { prompt: prompt.id, version: 1, environment: "staging" });
    expect(publish.structuredContent!.error.code).toBe("FORBIDDEN");
    expect((await member.call("GET", `/api/prompts/${prompt.id}/versions`)).body!.versions).toHaveLength(1);
  });

  it("refuses a caller without a token (401) and a workspace it is not a member of (404)", async () => {
    const initialize = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "test", version: "1" } } };
    const headers = { accept: "application/json, text/event-stream" };
    const anonymous = await call("POST", "/mcp", { body: initialize, headers });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body!.error.code).toBe("UNAUTHENTICATED");
    const stranger = (await workspaceWith()).owner;
    const elsewhere = await call("POST", "/mcp", { body: initialize, headers, token: stranger.session.access_token, workspaceId: member.workspaceId });
    expect(elsewhere.status).toBe(404);
  });

  it("answers any client that accepts JSON, and refuses what is not JSON-RPC in the API's error model", async () => {
    const as = { token: member.session.access_token, workspaceId: member.workspaceId };
    const listed = await call("POST", "/mcp", { ...as, body: { jsonrpc: "2.0", id: 7, method: "tools/list" }, headers: { accept: "application/json" } });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ jsonrpc: "2.0", id: 7, result: { tools: expect.arrayContaining([expect.objectContaining({ name: "get_prompt" })]) } });
    const notJsonRpc = await call("POST", "/mcp", { ...as, body: { jsonrpc: "2.0" } });
    expect(notJsonRpc.status).toBe(400);
    expect(notJsonRpc.body!.error).toMatchObject({ code: "VALIDATION_FAILED", request_id: expect.any(String) });
    const notAnObject = await call("POST", "/mcp", { ...as, body: ["tools/list"] });
    expect(notAnObject.status).toBe(400);
  });

  it("answers 405 to GET and DELETE: there is no stream or session to open or end", async () => {
    for (const method of ["GET", "DELETE"]) {
      const response = await call(method, "/mcp", { token: member.session.access_token, workspaceId: member.workspaceId, headers: { accept: "text/event-stream" } });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
    }
  });
});

describe("MCP tool dispatcher and access-token scopes", () => {
  const tool = (name: string) => TOOLS.find((candidate) => candidate.name === name)!;

  it("lets a prompts:read token read, and refuses it writing and publishing, naming the scopes", async () => {
    const ctx = testContext();
    try {
      const fixture = await createPromptFixture(ctx, ["Hello {name}"]);
      const caller = { ctx, userId: fixture.userId, workspace: { id: fixture.workspaceId, role: "admin" as const, scopes: ["prompts:read" as const] } };
      const read = await runTool(caller, tool("get_prompt"), { prompt: fixture.slug });
      expect(read.isError, JSON.stringify(read)).toBeFalsy();
      expect(read.structuredContent).toMatchObject({ id: fixture.promptId });
      for (const [name, input] of [
        ["create_draft_version", { prompt: fixture.promptId, content: "Hi" }],
        ["publish_version", { prompt: fixture.promptId, version: 1, environment: "staging" }],
      ] as const) {
        const refused = await runTool(caller, tool(name), input);
        expect(refused.isError).toBe(true);
        expect(refused.structuredContent).toEqual({ error: { code: "FORBIDDEN", message: expect.stringMatching(/access token's scopes \(prompts:read\)/) } });
      }
      const writer = await runTool({ ...caller, workspace: { ...caller.workspace, scopes: ["prompts:read", "prompts:write"] } }, tool("create_draft_version"), { prompt: fixture.promptId, content: "Hi" });
      expect(writer.structuredContent).toMatchObject({ version_number: 2 });
    } finally {
      await ctx.dispose();
    }
  });
});
