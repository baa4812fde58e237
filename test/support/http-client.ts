/** What the e2e tests share to talk to the stack over HTTP. */

export interface ApiCall {
  token?: string;
  workspaceId?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A JSON client for the API worker at `baseUrl` (the body is parsed; `null` when empty). */
export function apiClient(baseUrl: () => string) {
  return async function api(method: string, path: string, opts: ApiCall = {}) {
    const headers: Record<string, string> = { ...(opts.body === undefined ? {} : { "content-type": "application/json" }), ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.workspaceId) headers["x-workspace-id"] = opts.workspaceId;
    const response = await fetch(`${baseUrl()}${path}`, { method, headers, ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }) });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as Record<string, any> };
  };
}

/** Calls `attempt` until `check` accepts its value or `withinMs` passes; the last value seen. */
export async function until<T>(withinMs: number, attempt: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await attempt();
    if (check(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
