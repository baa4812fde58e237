/**
 * Frequentist comparison of a treatment's conversion rate with the control's (A6): relative lift
 * with its confidence interval, and the two-sided p-value of the two-proportion z-test. The
 * Bayesian probability to beat control rides along (see bayes.ts).
 *
 * Relative-lift interval: the Katz log method (Katz et al., Biometrics 34, 1978), i.e. the delta
 * method on ln(p_t / p_c) with SE² = (1 − p_t)/(n_t p_t) + (1 − p_c)/(n_c p_c), transformed back
 * by exp(·) − 1. It accounts for the control's own uncertainty, always contains the lift, is
 * asymmetric like the ratio itself, and swapping the arms maps it onto the reciprocal interval.
 * It is undefined when the treatment has no conversions (ln 0) or both arms convert every unit.
 */
import { assertVariantCounts, conversionRate, type VariantCounts } from "./counts.ts";
import { probabilityToBeat } from "./bayes.ts";
import { normalCdf, normalQuantile } from "./distributions.ts";

export interface Comparison {
  /** The treatment's conversions / units (0 when it has no units). */
  conversion_rate: number;
  /** (p_t − p_c) / p_c; null when either arm has no units or p_c = 0. */
  lift: number | null;
  /** Confidence interval of the relative lift (Katz log method, see the module comment); null when undefined. */
  ci_low: number | null;
  ci_high: number | null;
  /** Two-sided two-proportion z-test with the pooled SE; null without units in both arms or when the pooled rate is 0 or 1. */
  p_value: number | null;
  /** P(p_t > p_c) under Beta(1 + conversions, 1 + units − conversions) posteriors; null when either arm has no units. */
  probability_to_beat_control: number | null;
}

/** Compares `treatment` with `control` at the given two-sided confidence level (default 0.95). */
export function compareToControl(control: VariantCounts, treatment: VariantCounts, confidence = 0.95): Comparison {
  assertVariantCounts(control, "control");
  assertVariantCounts(treatment, "treatment");
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1 (exclusive), got ${confidence}`);

  const pC = conversionRate(control);
  const pT = conversionRate(treatment);
  const bothObserved = control.units > 0 && treatment.units > 0;
  const lift = bothObserved && pC > 0 ? (pT - pC) / pC : null;

  let ciLow: number | null = null;
  let ciHigh: number | null = null;
  if (lift !== null && treatment.conversions > 0) {
    // (1 − p)/(n p) written as non-conversions / (units · conversions): no cancellation.
    const variance =
      (treatment.units - treatment.conversions) / (treatment.units * treatment.conversions) +
      (control.units - control.conversions) / (control.units * control.conversions);
    if (variance > 0) {
      const halfWidth = normalQuantile(0.5 + confidence / 2) * Math.sqrt(variance);
      const logRatio = Math.log(pT / pC);
      // min/max guard the containment of `lift` against the last bit of rounding.
      ciLow = Math.min(Math.expm1(logRatio - halfWidth), lift);
      ciHigh = Math.max(Math.expm1(logRatio + halfWidth), lift);
    }
  }

  let pValue: number | null = null;
  if (bothObserved) {
    const pooled = (control.conversions + treatment.conversions) / (control.units + treatment.units);
    if (pooled > 0 && pooled < 1) {
      const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / control.units + 1 / treatment.units));
      const z = (pT - pC) / standardError;
      pValue = Math.min(1, 2 * normalCdf(-Math.abs(z)));
    }
  }

  return {
    conversion_rate: pT,
    lift,
    ci_low: ciLow,
    ci_high: ciHigh,
    p_value: pValue,
    probability_to_beat_control: bothObserved ? probabilityToBeat(control, treatment) : null,
  };
}
