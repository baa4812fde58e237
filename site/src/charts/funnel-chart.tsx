// A funnel as steps: each step a bar whose length is its share of the units that started (the
// exposure), the part lost since the previous step drawn as a faded extension, and between
// steps the drop-off in units and per cent. Reads top to bottom at any width.
import { For, Show } from "solid-js";
import type { FunnelStep } from "~/api/analytics";
import { formatNumber, formatPercent } from "~/lib/format";

export function FunnelChart(props: { steps: readonly FunnelStep[]; label: string; color?: string }) {
  const start = () => props.steps[0]?.count ?? 0;
  const share = (count: number) => (start() > 0 ? (count / start()) * 100 : 0);
  return (
    <div class="chart funnel-chart" role="img" aria-label={props.label} style={{ "--series-color": props.color ?? "var(--chart-1)" }}>
      <For each={props.steps}>
        {(step, index) => (
          <div class="funnel-step" aria-hidden="true">
            <Show when={index() > 0}>
              <p class="funnel-drop" data-severe={(1 - (step.conversion_from_previous ?? 1)) >= 0.5 ? "true" : undefined}>
                <span aria-hidden="true">↓</span> {formatNumber(step.drop_off)} dropped ({formatPercent(step.conversion_from_previous === null ? null : 1 - step.conversion_from_previous)})
              </p>
            </Show>
            <div class="funnel-head">
              <span class="funnel-name">{step.event_name ?? "Exposed (get-prompt)"}</span>
              <span class="numeric">
                <strong>{formatNumber(step.count)}</strong> <span class="muted small">{index() === 0 ? "units" : `${formatPercent(step.conversion_from_start)} of start`}</span>
              </span>
            </div>
            <svg class="funnel-track" width="100%" height="18" preserveAspectRatio="none">
              <rect class="bar-bg" x="0" y="0" width="100%" height="18" rx="3" />
              <Show when={index() > 0}>
                <rect class="funnel-lost" x="0" y="0" height="18" rx="3" width={`${share(props.steps[index() - 1]!.count)}%`} />
              </Show>
              <rect class="funnel-fill" x="0" y="0" height="18" rx="3" width={`${Math.max(share(step.count), step.count > 0 ? 0.8 : 0)}%`} />
            </svg>
          </div>
        )}
      </For>
    </div>
  );
}
