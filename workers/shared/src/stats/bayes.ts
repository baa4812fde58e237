/**
 * Bayesian probability that a treatment's conversion rate beats the control's, with a uniform
 * Beta(1, 1) prior: each rate's posterior is Beta(1 + conversions, 1 + units − conversions) and
 * the answer is P(p_t > p_c) for independent posteriors.
 *
 * Exact by Evan Miller's closed form ("Formulas for Bayesian A/B Testing", 2015), a finite sum
 * whose length is one of the four Beta parameters; by symmetry we sum over the smallest. Terms
 * follow from each other by a rational factor, so the sum costs one multiplication per term; its
 * absolute error is ~1e-10 at a million units (rounding in the log of the first term). Past
 * EXACT_TERMS_LIMIT terms (every one of the four counts above 200,000) the posteriors are
 * practically normal and a skew-corrected normal approximation takes over (error < 1e-6 there).
 */
import { assertVariantCounts, type VariantCounts } from "./counts.ts";
import { logGammaRatio, normalCdf } from "./distributions.ts";

/** Above this many terms the closed form gives way to the approximation; ~1 ms of arithmetic. */
export const EXACT_TERMS_LIMIT = 200_000;

const RESCALE_ABOVE = 1e250;

/**
 * P(X_B > X_A) for X_A ~ Beta(aA, bA), X_B ~ Beta(aB, bB), aB a positive integer:
 * Σ_{i=0}^{aB−1} B(aA + i, bA + bB) / ((bB + i) · B(1 + i, bB) · B(aA, bA)).
 * Term 0 is B(aA, bA + bB) / B(aA, bA) = [Γ(aA + bA)/Γ(bA)] / [Γ(aA + bA + bB)/Γ(bA + bB)];
 * term i+1 = term i · (aA + i)(bB + i) / ((aA + bA + bB + i)(i + 1)).
 * The running sum is kept as sum · e^logScale so neither underflow nor overflow can occur.
 */
function closedForm(aA: number, bA: number, aB: number, bB: number): number {
  let logScale = logGammaRatio(bA, aA) - logGammaRatio(bA + bB, aA);
  let term = 1;
  let sum = 1;
  for (let i = 0; i < aB - 1; i++) {
    term *= ((aA + i) * (bB + i)) / ((aA + bA + bB + i) * (i + 1));
    sum += term;
    if (sum > RESCALE_ABOVE) {
      logScale += Math.log(sum);
      term /= sum;
      sum = 1;
    }
  }
  return Math.exp(logScale + Math.log(sum));
}

function posterior(counts: VariantCounts): { a: number; b: number } {
  return { a: 1 + counts.conversions, b: 1 + counts.units - counts.conversions };
}

function clampProbability(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/** P(p_t > p_c) by the closed form, summing over the smallest of the four Beta parameters. */
export function probabilityToBeatExact(control: VariantCounts, treatment: VariantCounts): number {
  assertVariantCounts(control, "control");
  assertVariantCounts(treatment, "treatment");
  const c = posterior(control);
  const t = posterior(treatment);
  const smallest = Math.min(t.a, c.a, c.b, t.b);
  // P(p_t > p_c) = P(1 − p_c > 1 − p_t), and either equals 1 − the probability the other way.
  if (smallest === t.a) return clampProbability(closedForm(c.a, c.b, t.a, t.b));
  if (smallest === c.a) return clampProbability(1 - closedForm(t.a, t.b, c.a, c.b));
  if (smallest === c.b) return clampProbability(closedForm(t.b, t.a, c.b, c.a));
  return clampProbability(1 - closedForm(c.b, c.a, t.b, t.a));
}

/** Mean, variance and third central moment of Beta(a, b). */
function betaMoments(a: number, b: number): { mean: number; variance: number; thirdMoment: number } {
  const n = a + b;
  return {
    mean: a / n,
    variance: (a * b) / (n * n * (n + 1)),
    thirdMoment: (2 * a * b * (b - a)) / (n * n * n * (n + 1) * (n + 2)),
  };
}

/**
 * P(p_t > p_c) from the normal approximation of p_t − p_c with a first-order Edgeworth
 * (skewness) correction: P = Φ(μ/σ) + γ/6 · (w² − 1) · φ(w) with w = −μ/σ and γ the skewness.
 */
export function probabilityToBeatApproximate(control: VariantCounts, treatment: VariantCounts): number {
  assertVariantCounts(control, "control");
  assertVariantCounts(treatment, "treatment");
  const c = posterior(control);
  const t = posterior(treatment);
  const mc = betaMoments(c.a, c.b);
  const mt = betaMoments(t.a, t.b);
  const mean = mt.mean - mc.mean;
  const sd = Math.sqrt(mt.variance + mc.variance);
  const skewness = (mt.thirdMoment - mc.thirdMoment) / (sd * sd * sd);
  const w = -mean / sd;
  const density = Math.exp((-w * w) / 2) / Math.sqrt(2 * Math.PI);
  return clampProbability(normalCdf(mean / sd) + (skewness / 6) * (w * w - 1) * density);
}

/**
 * P(p_t > p_c) under independent Beta(1 + conversions, 1 + units − conversions) posteriors.
 * Exact (closed form) up to EXACT_TERMS_LIMIT terms, the skew-corrected normal beyond.
 * No data in either arm is still a valid question (the prior answers it): both empty gives 0.5.
 */
export function probabilityToBeat(control: VariantCounts, treatment: VariantCounts): number {
  assertVariantCounts(control, "control");
  assertVariantCounts(treatment, "treatment");
  const terms = Math.min(
    1 + control.conversions,
    1 + treatment.conversions,
    1 + control.units - control.conversions,
    1 + treatment.units - treatment.conversions,
  );
  return terms <= EXACT_TERMS_LIMIT ? probabilityToBeatExact(control, treatment) : probabilityToBeatApproximate(control, treatment);
}
