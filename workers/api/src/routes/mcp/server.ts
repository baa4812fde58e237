/**
 * The MCP server of one request. The endpoint is stateless (no sessions: every POST carries its
 * JSON-RPC and is answered in full), so a server with the caller's tools is built per request,
 * which is cheap, and nothing outlives it in the isolate. Tool inputs are validated by zod; JSON
 * Schema validation (the SDK's, for elicitation) uses @cfworker/json-schema, because workerd
 * forbids the code generation ajv relies on.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import { runTool } from "./run-tool.ts";
import { TOOLS, type ToolCaller } from "./tools.ts";

export const MCP_SERVER_INFO = { name: "xr2", title: "xR2 prompts", version: "1.0.0" };

const INSTRUCTIONS =
  "Tools to read, search, diff, edit (as new draft versions), preview and publish the prompts of one xR2 workspace. " +
  "Prompts are named by slug or id, versions by number or id. Publishing reaches development and staging only; production goes through a person and the approval flow.";

export function createMcpServer(caller: ToolCaller): McpServer {
  const server = new McpServer(MCP_SERVER_INFO, { capabilities: { tools: {} }, instructions: INSTRUCTIONS, jsonSchemaValidator: new CfWorkerJsonSchemaValidator() });
  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema: tool.input, annotations: { readOnlyHint: tool.readOnly, destructiveHint: false, openWorldHint: false } },
      (input: unknown) => runTool(caller, tool, input),
    );
  }
  return server;
}
