// The dashboard's time range: presets ending now (the current hour or UTC day included) or two
// calendar days chosen by hand; buckets are hourly up to a week and daily beyond, aligned on
// UTC hours and days as the aggregation writes them.
import type { Granularity } from "~/api/analytics";

export const RANGE_PRESETS = [
  { id: "24h", label: "Last 24 hours", days: 1 },
  { id: "7d", label: "Last 7 days", days: 7 },
  { id: "30d", label: "Last 30 days", days: 30 },
  { id: "90d", label: "Last 90 days", days: 90 },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]["id"];

export interface TimeRange {
  from: Date;
  to: Date;
  granularity: Granularity;
  /** For headings: "Last 7 days", "3 Mar – 9 Mar 2026". */
  label: string;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
export const MAX_CUSTOM_DAYS = 366;

const ceilTo = (time: number, step: number) => Math.ceil(time / step) * step;

export function presetRange(preset: RangePreset, now = Date.now()): TimeRange {
  const spec = RANGE_PRESETS.find((item) => item.id === preset) ?? RANGE_PRESETS[1];
  const granularity: Granularity = spec.days <= 7 ? "hour" : "day";
  const step = granularity === "hour" ? HOUR : DAY;
  const to = ceilTo(now + 1, step);
  return { from: new Date(to - spec.days * DAY), to: new Date(to), granularity, label: spec.label };
}

/** `from`/`to` are yyyy-mm-dd (UTC days, both included); an error sentence when they do not make a range. */
export function customRange(from: string, to: string): TimeRange | string {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`) + DAY;
  if (Number.isNaN(start) || Number.isNaN(end)) return "Pick both days.";
  if (end <= start) return "The first day must not be after the last.";
  const days = (end - start) / DAY;
  if (days > MAX_CUSTOM_DAYS) return `Pick at most ${MAX_CUSTOM_DAYS} days.`;
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" });
  return { from: new Date(start), to: new Date(end), granularity: days <= 7 ? "hour" : "day", label: `${format.format(start)} – ${format.format(end - DAY)}` };
}

/** Every bucket start of the range, ascending (epoch ms). */
export function bucketsOf(range: TimeRange): number[] {
  const step = range.granularity === "hour" ? HOUR : DAY;
  const buckets: number[] = [];
  for (let time = Math.floor(range.from.getTime() / step) * step; time < range.to.getTime(); time += step) buckets.push(time);
  return buckets;
}

export const isoDay = (date: Date) => date.toISOString().slice(0, 10);

const hourFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const dayHourFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "numeric" });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

/** An axis label for a bucket start. */
export function bucketLabel(time: number, range: TimeRange): string {
  if (range.granularity === "day") return dayFormat.format(time);
  return range.to.getTime() - range.from.getTime() <= DAY ? hourFormat.format(time) : dayHourFormat.format(time);
}
