// "How apps were served" from GET /api/analytics/serving: get-prompt answers the edge rendered,
// prompts the SDKs rendered themselves by where they had the template, and the times an app
// served its own fallback text — so a PM sees how often apps ran without reaching xR2.
import { For, Show } from "solid-js";
import { api } from "~/api/client";
import type { Serving, ServingOrigin } from "~/api/analytics";
import { ErrorNotice, Loading } from "~/components/async-state";
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
const WITHOUT_XR2: ReadonlySet<ServingOrigin> = new Set(["stale", "bootstrap", "fallback"]);

export function ServingPanel(props: { range: TimeRange; promptId: string | null; environment: string | null; workspaceId: string }) {
  const serving = createQuery(
    () => ({ from: props.range.from.toISOString(), to: props.range.to.toISOString(), prompt_id: props.promptId ?? undefined, environment: props.environment ?? undefined, workspace: props.workspaceId }),
    ({ workspace: _workspace, ...query }) => api<Serving>("GET", "/api/analytics/serving", { query }),
  );
  return (
    <Show when={!serving.error()} fallback={<ErrorNotice title="How apps were served could not be loaded" error={serving.error()} onRetry={() => void serving.refetch()} />}>
      <Show when={serving.data()} fallback={<Loading label="Loading how apps were served…" />}>
        {(data) => (
          <ChartPanel
            title="How apps were served"
            description={
              <>
                {formatNumber(data().total)} answers; {formatNumber(data().without_xr2)} ({formatPercent(data().total > 0 ? data().without_xr2 / data().total : null)}) while apps could not reach xR2: a stale copy, the bundle shipped with the app, or the app's own fallback.
              </>
            }
            rows={data().by_origin}
            columns={[
              { header: "Served", value: (row) => row.origin, display: (row) => ORIGIN_LABEL[row.origin] },
              { header: "Answers", value: (row) => row.count, display: (row) => formatNumber(row.count), numeric: true },
              { header: "Share", value: (row) => row.share, display: (row) => formatPercent(row.share), numeric: true },
            ]}
            csvName={`serving-${isoDay(props.range.from)}`}
            empty={data().total === 0 ? <p class="muted chart-empty">No answers in this range. get-prompt calls and the prompts SDKs serve are counted here.</p> : undefined}
          >
            <BarChart
              rows={data().by_origin.map((row) => ({ id: row.origin, label: ORIGIN_LABEL[row.origin], value: row.count, note: formatPercent(row.share), ...(WITHOUT_XR2.has(row.origin) ? { color: "var(--color-warn)" } : {}) }))}
              format={formatNumber}
              label={`How apps were served: ${data()
                .by_origin.map((row) => `${ORIGIN_LABEL[row.origin]} ${formatNumber(row.count)}`)
                .join(", ")}`}
              colorBy="single"
            />
            <Show when={data().fallback_slugs.length > 0}>
              <p class="muted">
                Most served from a fallback:{" "}
                <For each={data().fallback_slugs}>
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
        )}
      </Show>
    </Show>
  );
}
