// Estimates with their confidence intervals on one shared axis (a forest plot): a row per item
// with its label, a whisker from low to high, a dot at the estimate, and a dashed reference
// line (the control's rate, or no lift). Rows whose interval excludes the reference are marked
// better or worse; the rest are drawn neutral.
import { createMemo, For, Show } from "solid-js";
import { createMeasuredWidth, linearScale } from "./scale";

export interface ForestRow {
  id: string;
  label: string;
  estimate: number | null;
  low: number | null;
  high: number | null;
}

const LABEL_WIDTH = 120;
const VALUE_WIDTH = 150;
const ROW = 34;

export function ForestChart(props: { rows: readonly ForestRow[]; reference?: number; referenceLabel?: string; format: (value: number) => string; label: string; minDomain?: number }) {
  let frame: HTMLDivElement | undefined;
  const width = createMeasuredWidth(() => frame);
  const narrow = () => width() < 460;
  const labelWidth = () => (narrow() ? 0 : LABEL_WIDTH);
  const valueWidth = () => (narrow() ? 0 : VALUE_WIDTH);
  const rowHeight = () => (narrow() ? ROW + 16 : ROW);
  const height = () => props.rows.length * rowHeight() + 30;

  const geometry = createMemo(() => {
    const values = props.rows.flatMap((row) => [row.low, row.high, row.estimate]).filter((value): value is number => value !== null && Number.isFinite(value));
    if (props.reference !== undefined) values.push(props.reference);
    let min = values.length > 0 ? Math.min(...values) : 0;
    let max = values.length > 0 ? Math.max(...values) : 1;
    if (props.minDomain !== undefined) min = Math.min(min, props.minDomain);
    if (max - min < 1e-9) {
      min -= 0.05;
      max += 0.05;
    }
    const pad = (max - min) * 0.08;
    const low = props.minDomain !== undefined ? Math.max(props.minDomain, min - pad) : min - pad;
    const left = labelWidth() + 8;
    const right = width() - valueWidth() - 12;
    return { x: linearScale([low, max + pad], [left, right]), min: low, max: max + pad, left, right };
  });

  const tone = (row: ForestRow) => {
    if (props.reference === undefined || row.low === null || row.high === null) return "neutral";
    if (row.low > props.reference) return "better";
    if (row.high < props.reference) return "worse";
    return "neutral";
  };

  return (
    <div class="chart forest-chart" ref={frame}>
      <svg width={width()} height={height()} role="img" aria-label={props.label}>
        <Show when={props.reference !== undefined}>
          <line class="forest-reference" x1={geometry().x(props.reference!)} x2={geometry().x(props.reference!)} y1={4} y2={height() - 22} />
          <text class="chart-axis-label" x={geometry().x(props.reference!)} y={height() - 6} text-anchor="middle">
            {props.referenceLabel ?? props.format(props.reference!)}
          </text>
        </Show>
        <text class="chart-axis-label" x={geometry().left} y={height() - 6} text-anchor="start">
          {props.format(geometry().min)}
        </text>
        <text class="chart-axis-label" x={geometry().right} y={height() - 6} text-anchor="end">
          {props.format(geometry().max)}
        </text>
        <For each={props.rows}>
          {(row, index) => {
            const top = () => index() * rowHeight() + 4;
            const mid = () => top() + (narrow() ? 28 : ROW / 2);
            return (
              <g class="forest-row" data-tone={tone(row)}>
                <text class="forest-label" x={narrow() ? geometry().left : 0} y={narrow() ? top() + 10 : mid()} dy="0.32em">
                  {row.label}
                  <Show when={narrow()}>
                    {" · "}
                    {row.estimate === null ? "–" : props.format(row.estimate)}
                    {row.low !== null && row.high !== null ? ` (${props.format(row.low)} to ${props.format(row.high)})` : ""}
                  </Show>
                </text>
                <Show when={row.low !== null && row.high !== null}>
                  <line class="forest-whisker" x1={geometry().x(row.low!)} x2={geometry().x(row.high!)} y1={mid()} y2={mid()} />
                  <line class="forest-cap" x1={geometry().x(row.low!)} x2={geometry().x(row.low!)} y1={mid() - 6} y2={mid() + 6} />
                  <line class="forest-cap" x1={geometry().x(row.high!)} x2={geometry().x(row.high!)} y1={mid() - 6} y2={mid() + 6} />
                </Show>
                <Show when={row.estimate !== null}>
                  <circle class="forest-point" cx={geometry().x(row.estimate!)} cy={mid()} r="5.5" />
                </Show>
                <Show when={!narrow()}>
                  <text class="forest-value" x={width()} y={mid()} dy="0.32em" text-anchor="end">
                    {row.estimate === null ? "–" : props.format(row.estimate)}
                    {row.low !== null && row.high !== null ? ` (${props.format(row.low)} to ${props.format(row.high)})` : ""}
                  </text>
                </Show>
              </g>
            );
          }}
        </For>
      </svg>
    </div>
  );
}
