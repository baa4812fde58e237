// The arithmetic every chart shares: linear scales, "nice" axis ticks, time ticks for a range,
// the palette (the --chart-n tokens of app.css, so both themes apply) and a measured width so
// charts draw at the pixel size they are shown at (text never stretches).
import { createSignal, onCleanup, onMount, type Accessor } from "solid-js";

export const PALETTE = ["var(--chart-1)", "var(--chart-2)", "var(--chart-3)", "var(--chart-4)", "var(--chart-5)"] as const;
export const colorAt = (index: number): string => PALETTE[index % PALETTE.length]!;

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps to the middle of the range. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0);
}

/** Round ticks from `min` (0 unless the data goes below) to at least `max`: 0, 5, 10, 15… */
export function niceTicks(min: number, max: number, count = 4): number[] {
  const low = Math.min(0, min);
  const high = max <= low ? low + 1 : max;
  const rough = (high - low) / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let tick = Math.floor(low / step) * step; tick < high + step * 0.999; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

/** Ticks between two times: at most `count`, on bucket boundaries of the series. */
export function timeTicks(times: readonly number[], count: number): number[] {
  if (times.length <= count) return [...times];
  const every = Math.ceil(times.length / count);
  return times.filter((_, index) => index % every === 0);
}

/** The rendered width of an element, kept up to date as the layout changes. */
export function createMeasuredWidth(element: Accessor<HTMLElement | undefined>, fallback = 640): Accessor<number> {
  const [width, setWidth] = createSignal(fallback);
  onMount(() => {
    const target = element();
    if (!target) return;
    setWidth(Math.max(200, Math.floor(target.getBoundingClientRect().width)) || fallback);
    // Redrawing at the new width resizes the chart, which would notify the observer again in the
    // same frame ("ResizeObserver loop" errors): the width is applied on the next frame instead.
    let frame = 0;
    const observer = new ResizeObserver((entries) => {
      const measured = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (measured <= 0) return;
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => setWidth(Math.max(200, measured)));
    });
    observer.observe(target);
    onCleanup(() => {
      cancelAnimationFrame(frame);
      observer.disconnect();
    });
  });
  return width;
}
