/**
 * /mcp: the Model Context Protocol endpoint (Streamable HTTP transport, stateless) through which
 * assistants (Claude, Cursor, Copilot…) read and edit the workspace's prompts. Authenticated like
 * every workspace route; reading prompts is the floor for using it at all, and each tool checks
 * its own permission (tools.ts) as its REST route does. Only POST is served: a stateless server
 * has no stream to open with GET and no session to end with DELETE, so both answer 405, as the
 * transport's specification asks.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { createMcpServer } from "./server.ts";

const MAX_BATCH = 20;
const jsonRpcMessage = z.looseObject({ jsonrpc: z.literal("2.0"), method: z.string().max(200).optional(), id: z.union([z.string().max(200), z.number()]).optional() }).openapi("JsonRpcMessage");

const route = createRoute({
  method: "post",
  path: "/mcp",
  tags: ["mcp"],
  summary: "Model Context Protocol endpoint (Streamable HTTP, stateless) for assistants",
  description:
    "JSON-RPC 2.0 messages of the Model Context Protocol: initialize, tools/list, tools/call… Answers are JSON (never a stream); no session is kept. " +
    "Tools: list_prompts, get_prompt, list_versions, get_version, diff_versions, create_draft_version, preview_render, publish_version (development and staging; production goes through the approval flow). " +
    "Each tool needs the permission of its REST route (prompts.read, prompts.write, prompts.publish) and, for an access token, a scope granting it; a refused or failed tool call is a tool result with isError, carrying the API's error code and message.",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read")] as const,
  request: { body: jsonBody(z.union([jsonRpcMessage, z.array(jsonRpcMessage).min(1).max(MAX_BATCH)])) },
  responses: {
    200: { description: "The JSON-RPC responses", content: { "application/json": { schema: z.union([jsonRpcMessage, z.array(jsonRpcMessage)]) } } },
    202: { description: "Accepted: the body held only notifications or responses" },
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "UNSUPPORTED_MEDIA_TYPE"),
  },
});

const notAllowed = () => {
  throw new ApiError("METHOD_NOT_ALLOWED", "This MCP endpoint is stateless: send JSON-RPC with POST", { headers: { Allow: "POST" } });
};

export const mcpRoutes = new OpenAPIHono<ApiHono>()
  .openapi(route, async (c) => {
    const workspace = c.get("workspace")!;
    const server = createMcpServer({ ctx: c.get("ctx"), workspace, userId: c.get("user")!.id, request: c });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      // The body is passed parsed; the transport reads only the headers of this request. Answers
      // are always JSON, so a client accepting JSON is served whatever else its Accept lists.
      const headers = new Headers(c.req.raw.headers);
      headers.set("accept", "application/json, text/event-stream");
      const answer = await transport.handleRequest(new Request(c.req.url, { method: "POST", headers }), { parsedBody: c.req.valid("json") });
      // The answer is complete when it resolves (JSON, not a stream), so the server can close after.
      if (answer.status < 400) return answer as never;
      // The transport's refusals (a message that is not JSON-RPC, an unsupported protocol version
      // header) in the API's error model, as the document describes every error.
      const refusal = (await answer.json().catch(() => null)) as { error?: { message?: string } } | null;
      throw new ApiError(answer.status === 415 ? "UNSUPPORTED_MEDIA_TYPE" : "VALIDATION_FAILED", refusal?.error?.message ?? "Not a valid MCP request");
    } finally {
      await server.close();
    }
  })
  .get("/mcp", notAllowed)
  .delete("/mcp", notAllowed);
