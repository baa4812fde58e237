/** docs/metrics.md names every metric GET /metrics serves, and the Grafana dashboard queries only those. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { METRICS } from "../workers/api/src/services/metrics/registry.ts";

const docs = join(import.meta.dirname, "..", "docs");

describe("metrics documentation", () => {
  it("lists every metric with its type", () => {
    const text = readFileSync(join(docs, "metrics.md"), "utf8");
    for (const [name, definition] of Object.entries(METRICS)) expect(text).toMatch(new RegExp(`\\| \`${name}\` \\| ${definition.type} \\|`));
  });

  it("has a Grafana dashboard whose queries use only served metrics", () => {
    const dashboard = JSON.parse(readFileSync(join(docs, "grafana-dashboard.json"), "utf8")) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
    const used = new Set(dashboard.panels.flatMap((panel) => panel.targets ?? []).flatMap((target) => target.expr.match(/xr2_[a-z_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(Object.keys(METRICS), name).toContain(name.replace(/_(bucket|sum|count)$/, ""));
    for (const name of Object.keys(METRICS)) expect([...used].some((query) => query.startsWith(name)), `${name} on the dashboard`).toBe(true);
  });
});
