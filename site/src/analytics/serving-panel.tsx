// "How apps were served" from GET /api/analytics/serving: get-prompt answers the edge rendered,
// prompts the SDKs rendered themselves by where they had the template, and the times an app
// served its own fallback text — so a PM sees how often apps ran without reaching xR2.
import { For, Show } from "solid-js";
import { call, report } from "~/api/contract";
import type { ServingOrigin } from "~/api/analytics";
import { BarChart } from "~/charts/bar-chart";
import { ChartPanel } from "~/charts/chart-panel";
import { formatNumber, formatPercent } from "~/lib/format";
import { createQuery } from "./create-query";
import { isoDay, type TimeRange } from "./date-range";

const ORIGIN_LABEL: Record<ServingOrigin, string> = {
  edge: "Edge, rendered by get-prompt",
  network: "SDK, fetched just now",
  cache: "SDK, from its cache",
  stale: "SDK, stale copy (xR2 unreachable)",
  bootstrap: "SDK, bundle shipped with the app",
  fallback: "App's own fallback text",
};
/** The body's room (ChartPanel's `reserve`): six bars and "Table". */
const RESERVE = 230;
const WITHOUT_XR2: ReadonlySet<ServingOrigin> = new Set(["stale", "bootstrap", "fallback"]);

export function ServingPanel(props: { range: TimeRange; promptId: string | null; environment: string | null; workspaceId: string }) {
  const serving = createQuery(
    () => ({ from: props.range.from.toISOString(), to: props.range.to.toISOString(), prompt_id: props.promptId ?? undefined, environment: props.environment ?? undefined, workspace: props.workspaceId }),
    ({ workspace: _workspace, ...query }) => call("get", "/api/analytics/serving", { query }).then(report),
  );
  const byOrigin = () => serving.data()?.by_origin ?? [];
  return (
    <ChartPanel
      title="How apps were served"
      description={
        <Show when={serving.data()} fallback={<>Answers get-prompt and the SDKs served, by where the text came from, and how often apps ran without reaching xR2.</>}>
          {(data) => (
            <>
              {formatNumber(data().total)} answers; {formatNumber(data().without_xr2)} ({formatPercent(data().total > 0 ? data().without_xr2 / data().total : null)}) while apps could not reach xR2: a stale copy, the bundle shipped with the app, or the app's own fallback.
            </>
          )}
        </Show>
      }
      query={serving}
      loading="Loading how apps were served…"
      errorTitle="How apps were served could not be loaded"
      reserve={RESERVE}
      rows={byOrigin()}
      columns={[
        { header: "Served", value: (row) => row.origin, display: (row) => ORIGIN_LABEL[row.origin] },
        { header: "Answers", value: (row) => row.count, display: (row) => formatNumber(row.count), numeric: true },
        { header: "Share", value: (row) => row.share, display: (row) => formatPercent(row.share), numeric: true },
      ]}
      csvName={`serving-${isoDay(props.range.from)}`}
      empty={serving.data()?.total === 0 ? <p class="muted chart-empty">No answers in this range. get-prompt calls and the prompts SDKs serve are counted here.</p> : undefined}
    >
      <BarChart
        rows={byOrigin().map((row) => ({ id: row.origin, label: ORIGIN_LABEL[row.origin], value: row.count, note: formatPercent(row.share), ...(WITHOUT_XR2.has(row.origin) ? { color: "var(--color-warn)" } : {}) }))}
        format={formatNumber}
        label={`How apps were served: ${byOrigin()
          .map((row) => `${ORIGIN_LABEL[row.origin]} ${formatNumber(row.count)}`)
          .join(", ")}`}
        colorBy="single"
      />
      <Show when={(serving.data()?.fallback_slugs.length ?? 0) > 0}>
        <p class="muted">
          Most served from a fallback:{" "}
          <For each={serving.data()!.fallback_slugs}>
            {(row, index) => (
              <>
                {index() > 0 ? ", " : ""}
                <code>{row.slug}</code> ({formatNumber(row.count)})
              </>
            )}
          </For>
        </p>
      </Show>
    </ChartPanel>
  );
}
