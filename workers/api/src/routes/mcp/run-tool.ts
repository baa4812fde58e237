/**
 * Runs one MCP tool for one caller: the permission first, exactly as REST's requirePermission
 * checks it (role, then an access token's scopes), then the tool. Every failure becomes a tool
 * result with isError and the API's error code and message: an assistant reads it and corrects
 * itself, and no internal detail leaks (unexpected errors are answered, and logged, by the API's
 * one error model).
 */
import { ApiError, toErrorResponse, type ErrorCode } from "@xr2/shared";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { allows, can } from "../../permissions.ts";
import type { Tool, ToolCaller } from "./tools.ts";

/** Runs `tool` for `caller` with validated input: the permission first (as REST's requirePermission), then the tool; failures become tool errors. */
export async function runTool(caller: ToolCaller, tool: Tool, input: unknown): Promise<CallToolResult> {
  try {
    if (!allows(caller.workspace, tool.permission)) {
      throw new ApiError(
        "FORBIDDEN",
        caller.workspace.scopes === undefined || !can(caller.workspace.role, tool.permission)
          ? `Your role (${caller.workspace.role}) may not do this (${tool.permission})`
          : `This access token's scopes (${caller.workspace.scopes.join(", ") || "none"}) do not allow this (${tool.permission})`,
      );
    }
    const output = await tool.run(caller, input);
    return { content: [{ type: "text", text: output.text }], structuredContent: output.data };
  } catch (error) {
    const { code, message, details } = await describeFailure(caller, error);
    return { isError: true, content: [{ type: "text", text: `${code}: ${message}` }], structuredContent: { error: { code, message, ...(details === undefined ? {} : { details }) } } };
  }
}

/** An ApiError as it is; anything else as the API's error handler would answer it (and log it), so no internal detail leaks. */
async function describeFailure(caller: ToolCaller, error: unknown): Promise<{ code: ErrorCode; message: string; details?: unknown }> {
  if (error instanceof ApiError) return { code: error.code, message: error.message, details: error.details };
  if (!caller.request) throw error;
  const answer = (await toErrorResponse(error, caller.request).json()) as { error: { code: ErrorCode; message: string } };
  return { code: answer.error.code, message: answer.error.message };
}

