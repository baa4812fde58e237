import { describe, expect, it } from "vitest";
import { RATE_LIMIT_POLICIES } from "@xr2/shared";
import { edgeLimits, resolveLimits, type LimitRows } from "./list-limits.ts";

const rows = (global: Record<string, number>, own: Record<string, number | null>): LimitRows => ({
  global: new Map(Object.entries(global)) as LimitRows["global"],
  byWorkspace: new Map([["ws_1", new Map(Object.entries(own))]]) as LimitRows["byWorkspace"],
});

function pick(limits: ReturnType<typeof resolveLimits>, name: string) {
  return limits.find((limit) => limit.name === name);
}

describe("resolveLimits: key → workspace → global → built-in default", () => {
  it("takes the most specific source for each limit", () => {
    const limits = resolveLimits({
      rows: rows({ api_key_requests_per_minute: 300, workspace_requests_per_minute: 2_000, workspace_requests_per_month: 1_000_000 }, { api_key_requests_per_minute: 400, workspace_requests_per_month: 5_000 }),
      workspaceId: "ws_1",
      key: { requests: 5, windowSeconds: 30 },
      overrides: {},
    });
    expect(pick(limits, "api_key_requests_per_minute")).toEqual({ name: "api_key_requests_per_minute", value: 5, source: "key", unit: "requests", window_seconds: 30 });
    expect(pick(limits, "api_key_events_per_minute")).toMatchObject({ value: 5, source: "key", window_seconds: 30 });
    expect(pick(limits, "workspace_requests_per_minute")).toMatchObject({ value: 2_000, source: "global", window_seconds: 60 });
    expect(pick(limits, "workspace_requests_per_month")).toMatchObject({ value: 5_000, source: "workspace" });
    expect(pick(limits, "workspace_events_per_minute")).toMatchObject({ value: RATE_LIMIT_POLICIES.eventsPerWorkspace.requests, source: "default" });
    expect(pick(limits, "workspace_events_per_month")).toMatchObject({ value: null, source: "default" });
  });

  it("falls back from the key to the workspace, reads a null workspace row as exempt, and applies the deployment's overrides to defaults", () => {
    const limits = resolveLimits({ rows: rows({ api_key_requests_per_minute: 300 }, { api_key_requests_per_minute: 400, workspace_requests_per_minute: null }), workspaceId: "ws_1", key: null, overrides: { eventsPerKey: { requests: 7, windowSeconds: 10 } } });
    expect(pick(limits, "api_key_requests_per_minute")).toMatchObject({ value: 400, source: "workspace" });
    expect(pick(limits, "workspace_requests_per_minute")).toMatchObject({ value: null, source: "workspace" });
    expect(pick(limits, "api_key_events_per_minute")).toMatchObject({ value: 7, source: "default", window_seconds: 10 });
    // Another workspace sees only the global rows.
    const other = resolveLimits({ rows: rows({ api_key_requests_per_minute: 300 }, { api_key_requests_per_minute: 400 }), workspaceId: "ws_2", overrides: {} });
    expect(pick(other, "api_key_requests_per_minute")).toMatchObject({ value: 300, source: "global" });
  });

  it("hands the edge only what differs from its built-in policies", () => {
    expect(edgeLimits(resolveLimits({ rows: rows({}, {}), workspaceId: "ws_1", overrides: {} }))).toBeUndefined();
    const limits = edgeLimits(resolveLimits({ rows: rows({ workspace_events_per_month: 10 }, { workspace_requests_per_minute: null, workspace_requests_per_month: 0 }), workspaceId: "ws_1", key: { requests: 5, windowSeconds: 60 }, overrides: {} }));
    expect(limits).toEqual({
      get_prompt_per_key: { requests: 5, window_seconds: 60 },
      events_per_key: { requests: 5, window_seconds: 60 },
      get_prompt_per_workspace: null,
      get_prompt_per_month: 0,
      events_per_month: 10,
    });
  });
});
