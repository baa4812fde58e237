// A cohort retention grid: one row per cohort (first-exposure period) with its size, then one
// cell per later period shaded by the share of the cohort that did the event. It is a real
// table (row and column headers), so it reads as one; periods not over yet are marked.
import { For, Show } from "solid-js";
import type { Cohorts } from "~/api/analytics";
import { formatNumber, formatPercent } from "~/lib/format";

export function RetentionGrid(props: { data: Cohorts; formatCohort: (start: string) => string }) {
  const periods = () => Array.from({ length: props.data.periods }, (_, index) => index);
  const unit = () => (props.data.period === "day" ? "Day" : "Week");
  return (
    <div class="table-scroll retention-scroll" tabindex="0" role="region" aria-label="Retention grid">
      <table class="retention-grid">
        <caption class="visually-hidden">
          Share of each cohort doing {props.data.event_name} in each {props.data.period} after its first exposure
        </caption>
        <thead>
          <tr>
            <th scope="col">Cohort</th>
            <th scope="col" class="numeric">
              Units
            </th>
            <For each={periods()}>
              {(period) => (
                <th scope="col" class="numeric">
                  {unit()} {period}
                </th>
              )}
            </For>
          </tr>
        </thead>
        <tbody>
          <For each={props.data.cohorts}>
            {(cohort) => (
              <tr>
                <th scope="row">{props.formatCohort(cohort.cohort_start)}</th>
                <td class="numeric">{formatNumber(cohort.units)}</td>
                <For each={periods()}>
                  {(period) => {
                    const cell = () => cohort.retention.find((item) => item.period === period);
                    const rate = () => cell()?.rate ?? null;
                    return (
                      <td
                        class="numeric retention-cell"
                        data-level={rate() === null ? undefined : Math.min(5, Math.ceil(rate()! * 5))}
                        data-incomplete={cell() && !cell()!.complete ? "true" : undefined}
                        title={cell() ? `${formatNumber(cell()!.units)} of ${formatNumber(cohort.units)} units${cell()!.complete ? "" : " (period not over yet)"}` : undefined}
                      >
                        <Show when={cell()} fallback={<span class="muted">·</span>}>
                          {formatPercent(rate())}
                          <Show when={!cell()!.complete}>
                            <span class="visually-hidden"> (period not over yet)</span>
                            <span aria-hidden="true">*</span>
                          </Show>
                        </Show>
                      </td>
                    );
                  }}
                </For>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
