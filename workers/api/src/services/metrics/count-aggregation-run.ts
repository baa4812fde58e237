/** Counts an aggregation run for /metrics: its outcome, the hours it recomputed, the time of the latest success. */
import type { AggregationReport } from "../aggregation/run-aggregation.ts";
import { incrementCounter, setGauge } from "./metrics-buffer.ts";

export async function countAggregationRun(trigger: "schedule" | "admin", run: () => Promise<AggregationReport>): Promise<AggregationReport> {
  try {
    const report = await run();
    incrementCounter("xr2_aggregation_runs_total", { trigger, outcome: "ok" });
    incrementCounter("xr2_aggregation_hours_recomputed_total", {}, report.hours_recomputed);
    setGauge("xr2_aggregation_last_success_timestamp_seconds", {}, Math.floor(Date.now() / 1000));
    return report;
  } catch (error) {
    incrementCounter("xr2_aggregation_runs_total", { trigger, outcome: "error" });
    throw error;
  }
}
