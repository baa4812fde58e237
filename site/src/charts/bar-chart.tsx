// Horizontal bars, one row per item: its label, a bar proportional to the largest value, and
// the value in words. Rows are HTML (labels wrap on narrow screens); each bar is an SVG whose
// rect width is a percentage, so it needs no measuring.
import { For, Show } from "solid-js";
import { colorAt } from "./scale";

export interface BarRow {
  id: string;
  label: string;
  value: number;
  /** Extra text after the value, e.g. "12 % of all". */
  note?: string;
  color?: string;
  href?: string;
}

export function BarChart(props: { rows: readonly BarRow[]; format: (value: number) => string; label: string; colorBy?: "row" | "single" }) {
  const max = () => Math.max(0, ...props.rows.map((row) => row.value));
  return (
    <div class="chart bar-chart" role="img" aria-label={props.label}>
      <For each={props.rows}>
        {(row, index) => (
          <div class="bar-row" aria-hidden="true">
            <span class="bar-label" title={row.label}>
              {row.label}
            </span>
            <svg class="bar-track" width="100%" height="14" preserveAspectRatio="none">
              <rect class="bar-bg" x="0" y="0" width="100%" height="14" rx="3" />
              <rect
                class="bar-fill"
                x="0"
                y="0"
                height="14"
                rx="3"
                width={`${max() > 0 ? Math.max((row.value / max()) * 100, row.value > 0 ? 0.8 : 0) : 0}%`}
                style={{ fill: row.color ?? (props.colorBy === "row" ? colorAt(index()) : colorAt(0)) }}
              />
            </svg>
            <span class="bar-value numeric">
              {props.format(row.value)}
              <Show when={row.note}>
                <span class="muted small"> {row.note}</span>
              </Show>
            </span>
          </div>
        )}
      </For>
    </div>
  );
}
