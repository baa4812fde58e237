// How numbers, money and times read everywhere on the site (the user's locale, one style).
const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const compactFormat = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });
const percentFormat = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

export const formatNumber = (value: number | null | undefined): string => (value === null || value === undefined ? "–" : numberFormat.format(value));
export const formatCompact = (value: number | null | undefined): string => (value === null || value === undefined ? "–" : compactFormat.format(value));
export const formatPercent = (ratio: number | null | undefined): string => (ratio === null || ratio === undefined || Number.isNaN(ratio) ? "–" : percentFormat.format(ratio));

/** Costs are kept in micro-dollars (1e-6 USD). */
export function formatMicros(micros: number | null | undefined): string {
  if (micros === null || micros === undefined) return "–";
  const dollars = micros / 1_000_000;
  const digits = dollars !== 0 && Math.abs(dollars) < 0.01 ? 6 : 2;
  return new Intl.NumberFormat(undefined, { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: digits }).format(dollars);
}

export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return "–";
  const date = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? "–" : dateTimeFormat.format(date);
}

export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return "–";
  const date = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? "–" : dateFormat.format(date);
}

/** "3 minutes ago", "yesterday"… */
export function formatRelative(value: string | Date | null | undefined, now = Date.now()): string {
  if (!value) return "never";
  const date = typeof value === "string" ? new Date(value) : value;
  const seconds = Math.round((date.getTime() - now) / 1000);
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [["year", 31_536_000], ["month", 2_592_000], ["day", 86_400], ["hour", 3_600], ["minute", 60]];
  for (const [unit, size] of units) if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit);
  return relativeFormat.format(seconds, "second");
}
