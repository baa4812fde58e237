// Experiment results in plain words for a PM: who converts better and by how much, how likely
// a difference that large is to be noise (the p-value), the Bayesian probability to beat the
// control, and whether there is enough data to say anything yet. Also the per-variant
// conversion-rate interval the API does not send (Wilson score, same confidence level).
import type { ExperimentResults, VariantResult } from "~/api/analytics";
import { formatNumber, formatPercent } from "~/lib/format";

/** Units per variant below which a comparison is too noisy to act on. */
export const MIN_UNITS_PER_VARIANT = 100;
/** Conversions (all variants) below which the same holds. */
export const MIN_CONVERSIONS = 10;

export const variantName = (variant: Pick<VariantResult, "key" | "version_number" | "is_control">) =>
  `${variant.key === "control" || variant.key.startsWith("variant_") ? humanKey(variant.key) : variant.key} (v${variant.version_number})`;

function humanKey(key: string): string {
  if (key === "control") return "Control";
  const index = Number(key.slice("variant_".length));
  return Number.isInteger(index) && index > 0 ? `Variant ${String.fromCharCode(65 + index)}` : key;
}

/** Wilson score interval of conversions / units; null without units. */
export function wilsonInterval(conversions: number, units: number, confidence = 0.95): { low: number; high: number } | null {
  if (units <= 0) return null;
  const z = confidence === 0.95 ? 1.959963984540054 : normalQuantile(0.5 + confidence / 2);
  const p = conversions / units;
  const denominator = 1 + (z * z) / units;
  const centre = (p + (z * z) / (2 * units)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / units + (z * z) / (4 * units * units))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

// Acklam's rational approximation (for levels other than 95 %).
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628274631];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = p < 0.5 ? Math.sqrt(-2 * Math.log(p)) : Math.sqrt(-2 * Math.log(1 - p));
  const tail = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail;
  if (p > 1 - 0.02425) return -tail;
  const r = (p - 0.5) * (p - 0.5);
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * (p - 0.5)) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

export type DataVerdict = { kind: "no-data" } | { kind: "too-little"; reason: string } | { kind: "enough" };

export function dataVerdict(results: ExperimentResults): DataVerdict {
  const units = results.variants.reduce((sum, variant) => sum + variant.units, 0);
  if (units === 0) return { kind: "no-data" };
  const short = results.variants.filter((variant) => variant.units < MIN_UNITS_PER_VARIANT);
  const conversions = results.variants.reduce((sum, variant) => sum + variant.conversions, 0);
  if (short.length > 0) {
    return {
      kind: "too-little",
      reason: `Each variant needs at least ${formatNumber(MIN_UNITS_PER_VARIANT)} units before the comparison means much; ${short.map((variant) => `${variantName(variant)} has ${formatNumber(variant.units)}`).join(", ")}.`,
    };
  }
  if (conversions < MIN_CONVERSIONS) return { kind: "too-little", reason: `Only ${formatNumber(conversions)} conversion${conversions === 1 ? "" : "s"} so far; wait for at least ${MIN_CONVERSIONS} before reading the difference.` };
  return { kind: "enough" };
}

const percentWords = (ratio: number) => {
  const percent = ratio * 100;
  if (percent > 0 && percent < 0.1) return "less than 0.1 %";
  if (percent >= 1) return `${Math.round(percent)} %`;
  return `${percent.toFixed(1)} %`;
};

/** One paragraph comparing a treatment with the control. */
export function explainComparison(control: VariantResult, treatment: VariantResult, confidence: number): string {
  const a = variantName(control);
  const b = variantName(treatment);
  const level = `${Math.round(confidence * 100)} %`;
  if (treatment.units === 0 || control.units === 0) return `${treatment.units === 0 ? b : a} has no units yet, so there is nothing to compare.`;
  if (treatment.lift === null) {
    if (control.conversions === 0 && treatment.conversions === 0) return `Neither ${a} nor ${b} has a conversion yet.`;
    return `${a} has no conversions yet, so ${b}'s ${formatPercent(treatment.conversion_rate)} cannot be expressed as a lift over it.`;
  }
  const direction = treatment.lift >= 0 ? "better" : "worse";
  const size = treatment.lift === 0 ? `${b} converts exactly like ${a}` : `${b} converts ${percentWords(Math.abs(treatment.lift))} ${direction} than ${a} (${formatPercent(treatment.conversion_rate)} vs ${formatPercent(control.conversion_rate)})`;
  const parts = [size];
  if (treatment.p_value !== null) {
    const significant = treatment.p_value < 1 - confidence;
    parts.push(
      `with this much data there is a ${percentWords(treatment.p_value)} chance a difference this large is noise — ${significant ? `significant at the ${level} level` : `not significant at the ${level} level yet`}`,
    );
  }
  let sentence = `${parts.join("; ")}.`;
  if (treatment.probability_to_beat_control !== null) sentence += ` The probability that ${b} really beats ${a} is ${percentWords(treatment.probability_to_beat_control)}.`;
  if (treatment.ci_low !== null && treatment.ci_high !== null)
    sentence += ` The true lift is likely between ${signedPercent(treatment.ci_low)} and ${signedPercent(treatment.ci_high)} (${level} interval).`;
  return sentence;
}

export const signedPercent = (ratio: number) => `${ratio > 0 ? "+" : ratio < 0 ? "−" : ""}${formatPercent(Math.abs(ratio))}`;

export function explainSrm(results: ExperimentResults): string {
  const units = results.variants.reduce((sum, variant) => sum + variant.units, 0);
  const shares = results.variants.map((variant) => `${variantName(variant)} ${formatPercent(units > 0 ? variant.units / units : 0)} (expected ${formatPercent(variant.expected_share)})`).join(", ");
  return `The units did not split the way the weights say: ${shares}. A split this uneven happens by chance less than 0.1 % of the time (p = ${results.srm_p_value.toPrecision(2)}), so assignment or logging is broken and these results should not be trusted. Check that every app sends a stable unit_id and that no variant fails more often than the others.`;
}
