/**
 * The management API as the CLI uses it: bearer token, X-Workspace-Id when the workspace is
 * known, JSON in and out. An error answer becomes a CliError that shows the API's own code and
 * message (and request id); 409 CONFLICT maps to the conflict exit code, a network failure says
 * which address it could not reach.
 */
import type { Settings } from "./config.ts";
import { CliError, EXIT } from "./output.ts";

export interface ApiPrompt {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  status: "active" | "archived";
  tags: Array<{ id: string; name: string }>;
  environments: Partial<Record<"development" | "staging" | "production", { version_id: string; version_number: number }>>;
}
export interface ApiVersion {
  id: string;
  prompt_id: string;
  version_number: number;
  status: string;
  kind: "text" | "chat";
  changelog: string | null;
  content: string | null;
  messages: Array<{ role: "system" | "user" | "assistant"; content: string }> | null;
  variables: Array<Record<string, unknown> & { name: string }>;
  model_config: Record<string, unknown>;
}
export type Deployment = { status: "deployed"; deployment_id: string; environment: string; action: string; from_version_id: string | null; to_version_id: string } | { status: "pending_approval"; approval_request_id: string; environment: string; version_id: string };

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export class ApiClient {
  constructor(readonly settings: Settings) {}

  async request<T>(method: string, path: string, options: { body?: unknown; rawBody?: string; contentType?: string; accept?: string; allow?: number[] } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.settings.token}`, accept: options.accept ?? "application/json" };
    if (this.settings.workspaceId) headers["x-workspace-id"] = this.settings.workspaceId;
    let body: string | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
      headers["content-type"] = options.contentType ?? "application/json";
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] = "application/json";
    }
    const url = `${this.settings.apiUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
    } catch (error) {
      throw new CliError(`Could not reach the xR2 API at ${this.settings.apiUrl} (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})`);
    }
    const text = await response.text();
    const type = response.headers.get("content-type") ?? "";
    const parsed: unknown = type.includes("json") && text !== "" ? safeJson(text) : text;
    if (response.ok || options.allow?.includes(response.status)) return { status: response.status, body: parsed as T };
    throw apiError(method, path, response.status, parsed);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function apiError(method: string, path: string, status: number, body: unknown): CliError {
  const error = (body as { error?: { code?: string; message?: string; request_id?: string; details?: unknown } } | null)?.error;
  const code = error?.code ?? `HTTP_${status}`;
  const message = error?.message ?? (typeof body === "string" && body.length > 0 ? body.slice(0, 300) : `HTTP ${status}`);
  const hint = status === 401 ? " (is XR2_TOKEN valid and unexpired? run xr2 login)" : status === 403 ? " (the token lacks the permission or scope this needs)" : "";
  return new CliError(`${method} ${path} failed: ${status} ${code}: ${message}${hint}${error?.request_id ? ` [request ${error.request_id}]` : ""}`, status === 409 ? EXIT.conflict : EXIT.error, {
    http_status: status,
    code,
    api_message: message,
    ...(error?.details === undefined ? {} : { api_details: error.details }),
  });
}
