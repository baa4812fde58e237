// Lines (or stacked-free areas) over time: one or more series on shared buckets, a zero-based
// y axis with round ticks, time labels on the x axis, a legend, and a hover/keyboard readout of
// the bucket under the pointer (arrow keys move it). Missing values (null) break the line; a value
// alone between gaps (or the only bucket) is drawn as a dot.
import { createMemo, createSignal, For, Show } from "solid-js";
import { colorAt, createMeasuredWidth, linearScale, niceTicks, timeTicks } from "./scale";

export interface TimeSeries {
  id: string;
  label: string;
  color?: string;
  /** One value per bucket of `times` (same order); null where there is none. */
  values: ReadonlyArray<number | null>;
  /** Dashed line (e.g. a percentile that is an upper bound). */
  dashed?: boolean;
}

export interface TimeSeriesChartProps {
  /** Bucket starts, epoch milliseconds, ascending. */
  times: readonly number[];
  series: readonly TimeSeries[];
  /** Formats a y value (axis and readout). */
  format: (value: number) => string;
  /** Formats an axis tick, when it needs other precision than the readout (default `format`). */
  formatAxis?: (value: number, step: number) => string;
  /** Formats a bucket (x axis and readout). */
  formatTime: (time: number) => string;
  /** The chart's text alternative, e.g. "Requests per day, 1–7 March". */
  label: string;
  area?: boolean;
  height?: number;
}

const MARGIN = { top: 12, right: 16, bottom: 28 };
/** Every value gets a dot up to this many buckets; beyond, only values with no neighbour do. */
const DOTS_UP_TO = 60;

/**
 * A value with no value on either side: a line through it has no length and draws nothing, so it
 * is drawn as a dot however many buckets there are (one bucket of data is a point, not an empty axis).
 */
export function isolated(series: TimeSeries, index: number): boolean {
  const present = (at: number) => series.values[at] !== null && series.values[at] !== undefined;
  return present(index) && !present(index - 1) && !present(index + 1);
}
/** Roughly the width of one character of the 11 px axis labels. */
const LABEL_CHAR_PX = 6.6;

export function TimeSeriesChart(props: TimeSeriesChartProps) {
  let frame: HTMLDivElement | undefined;
  const width = createMeasuredWidth(() => frame);
  const height = () => props.height ?? 220;
  const [active, setActive] = createSignal<number | null>(null);

  const geometry = createMemo(() => {
    const values = props.series.flatMap((series) => series.values.filter((value): value is number => value !== null));
    const max = values.length > 0 ? Math.max(...values) : 1;
    const min = values.length > 0 ? Math.min(...values) : 0;
    const ticks = niceTicks(min, max > 0 ? max : 1);
    const step = (ticks[1] ?? 1) - (ticks[0] ?? 0);
    const tickLabels = ticks.map((tick) => (props.formatAxis ? props.formatAxis(tick, step) : props.format(tick)));
    // The y labels decide the left margin, so long ones ($0.000002) are never cut off.
    const left = Math.max(40, Math.ceil(Math.max(...tickLabels.map((label) => label.length)) * LABEL_CHAR_PX) + 14);
    const plotWidth = width() - left - MARGIN.right;
    const first = props.times[0] ?? 0;
    const last = props.times.at(-1) ?? first;
    const x = props.times.length === 1 ? () => left + plotWidth / 2 : linearScale([first, last], [left, left + plotWidth]);
    const y = linearScale([ticks[0]!, ticks.at(-1)!], [height() - MARGIN.bottom, MARGIN.top]);
    const labelCount = Math.max(2, Math.floor(plotWidth / 90));
    return { ticks, tickLabels, left, x, y, xTicks: timeTicks(props.times, labelCount), plotWidth };
  });

  const path = (series: TimeSeries, closed: boolean) => {
    const { x, y } = geometry();
    const parts: string[] = [];
    let segment: Array<[number, number]> = [];
    const flush = () => {
      if (segment.length === 0) return;
      const line = segment.map(([px, py], index) => `${index === 0 ? "M" : "L"}${px.toFixed(1)},${py.toFixed(1)}`).join("");
      if (closed) {
        const base = y(Math.max(0, geometry().ticks[0]!)).toFixed(1);
        parts.push(`${line}L${segment.at(-1)![0].toFixed(1)},${base}L${segment[0]![0].toFixed(1)},${base}Z`);
      } else parts.push(line);
      segment = [];
    };
    series.values.forEach((value, index) => {
      if (value === null || props.times[index] === undefined) flush();
      else segment.push([x(props.times[index]!), y(value)]);
    });
    flush();
    return parts.join("");
  };

  const pick = (clientX: number, svg: SVGSVGElement) => {
    if (props.times.length === 0) return;
    const box = svg.getBoundingClientRect();
    const px = clientX - box.left;
    const { x } = geometry();
    let best = 0;
    props.times.forEach((time, index) => {
      if (Math.abs(x(time) - px) < Math.abs(x(props.times[best]!) - px)) best = index;
    });
    setActive(best);
  };

  const onKey = (event: KeyboardEvent) => {
    if (props.times.length === 0) return;
    const current = active() ?? props.times.length - 1;
    if (event.key === "ArrowLeft") setActive(Math.max(0, current - 1));
    else if (event.key === "ArrowRight") setActive(Math.min(props.times.length - 1, current + 1));
    else if (event.key === "Escape") setActive(null);
    else return;
    event.preventDefault();
  };

  return (
    <div class="chart time-chart" ref={frame}>
      <svg
        width={width()}
        height={height()}
        role="img"
        aria-label={props.label}
        tabindex="0"
        onPointerMove={(event) => pick(event.clientX, event.currentTarget)}
        onPointerLeave={() => setActive(null)}
        onKeyDown={onKey}
        onBlur={() => setActive(null)}
      >
        <For each={geometry().ticks}>
          {(tick, index) => (
            <g class="chart-grid">
              <line x1={geometry().left} x2={width() - MARGIN.right} y1={geometry().y(tick)} y2={geometry().y(tick)} />
              <text x={geometry().left - 8} y={geometry().y(tick)} dy="0.32em" text-anchor="end">
                {geometry().tickLabels[index()]}
              </text>
            </g>
          )}
        </For>
        <For each={geometry().xTicks}>
          {(time) => (
            <text class="chart-axis-label" x={geometry().x(time)} y={height() - 8} text-anchor="middle">
              {props.formatTime(time)}
            </text>
          )}
        </For>
        <For each={props.series}>
          {(series, index) => (
            <g class="chart-series" style={{ "--series-color": series.color ?? colorAt(index()) }}>
              <Show when={props.area}>
                <path class="chart-area" d={path(series, true)} />
              </Show>
              <path class="chart-line" d={path(series, false)} stroke-dasharray={series.dashed ? "5 4" : undefined} />
              <For each={series.values}>
                {(value, point) => (
                  <Show when={value !== null && props.times[point()] !== undefined && (props.times.length <= DOTS_UP_TO || isolated(series, point()))}>
                    <circle class="chart-dot" classList={{ "chart-dot-alone": isolated(series, point()) }} cx={geometry().x(props.times[point()]!)} cy={geometry().y(value!)} r={active() === point() ? 4 : isolated(series, point()) ? 3.5 : 2.5} />
                  </Show>
                )}
              </For>
            </g>
          )}
        </For>
        <Show when={active() !== null}>
          <line class="chart-rule" x1={geometry().x(props.times[active()!]!)} x2={geometry().x(props.times[active()!]!)} y1={MARGIN.top} y2={height() - MARGIN.bottom} />
        </Show>
      </svg>
      <Show when={active() !== null}>
        <div class="chart-readout" aria-live="polite" style={{ left: `${Math.min(Math.max(geometry().x(props.times[active()!]!) - 80, 0), width() - 180)}px` }}>
          <strong>{props.formatTime(props.times[active()!]!)}</strong>
          <For each={props.series}>
            {(series, index) => (
              <span class="chart-readout-row">
                <span class="chart-swatch" style={{ background: series.color ?? colorAt(index()) }} aria-hidden="true" />
                {series.label}: {series.values[active()!] === null || series.values[active()!] === undefined ? "–" : props.format(series.values[active()!]!)}
              </span>
            )}
          </For>
        </div>
      </Show>
      <Show when={props.series.length > 1}>
        <ul class="chart-legend">
          <For each={props.series}>
            {(series, index) => (
              <li>
                <span class={`chart-swatch${series.dashed ? " dashed" : ""}`} style={{ background: series.color ?? colorAt(index()) }} aria-hidden="true" />
                {series.label}
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
