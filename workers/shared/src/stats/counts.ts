/** Per-variant counts as the results query reports them, and their validation. */

/** `units`: distinct units exposed to the variant (the denominator); `conversions`: those that converted. */
export interface VariantCounts {
  units: number;
  conversions: number;
}

/** Throws a RangeError naming the field unless both counts are non-negative integers and conversions ≤ units. */
export function assertVariantCounts(counts: VariantCounts, label: string): void {
  for (const field of ["units", "conversions"] as const) {
    const value = counts[field];
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${label}.${field} must be a non-negative integer, got ${value}`);
  }
  if (counts.conversions > counts.units) {
    throw new RangeError(`${label}.conversions (${counts.conversions}) must not exceed ${label}.units (${counts.units})`);
  }
}

/** conversions / units, or 0 when no unit was exposed. */
export function conversionRate(counts: VariantCounts): number {
  return counts.units === 0 ? 0 : counts.conversions / counts.units;
}
