import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EXACT_TERMS_LIMIT, probabilityToBeat, probabilityToBeatApproximate, probabilityToBeatExact } from "./bayes.ts";
import type { VariantCounts } from "./counts.ts";

const counts = (units: number, conversions: number): VariantCounts => ({ units, conversions });

function factorial(n: number): bigint {
  let value = 1n;
  for (let i = 2n; i <= BigInt(n); i++) value *= i;
  return value;
}

/**
 * P(p_t > p_c) as an exact fraction, by a route independent of Evan Miller's sum: for integer
 * parameters P(X_t > x) = P(Binomial(n_t, x) ≤ a_t − 1) with n_t = a_t + b_t − 1, and integrating
 * that polynomial against the Beta(a_c, b_c) density term by term gives
 * Σ_{j<a_t} C(n_t, j) · B(a_c + j, b_c + n_t − j) / B(a_c, b_c), with B(p, q) = (p−1)!(q−1)!/(p+q−1)!.
 */
function probabilityByBinomialIdentity(control: VariantCounts, treatment: VariantCounts): number {
  const aC = 1 + control.conversions;
  const bC = 1 + control.units - control.conversions;
  const aT = 1 + treatment.conversions;
  const nT = aT + (1 + treatment.units - treatment.conversions) - 1;
  let numerator = 0n;
  for (let j = 0; j < aT; j++) {
    const binomial = factorial(nT) / (factorial(j) * factorial(nT - j));
    numerator += binomial * factorial(aC + j - 1) * factorial(bC + nT - j - 1);
  }
  numerator *= factorial(aC + bC - 1);
  const denominator = factorial(aC + bC + nT - 1) * factorial(aC - 1) * factorial(bC - 1);
  return Number((numerator * 10n ** 30n) / denominator) / 1e30;
}

const smallCounts = fc.integer({ min: 0, max: 40 }).chain((units) => fc.integer({ min: 0, max: units }).map((conversions) => counts(units, conversions)));

describe("probabilityToBeat: exact values", () => {
  it("matches integrals done by hand", () => {
    // 0 of 1 vs 1 of 1: Beta(1, 2) vs Beta(2, 1); ∫₀¹ 2(1 − x)(1 − x²) dx = 5/6.
    expect(probabilityToBeat(counts(1, 0), counts(1, 1))).toBeCloseTo(5 / 6, 14);
    // 1 of 1 vs no data: Beta(2, 1) vs the uniform prior; ∫₀¹ 2x(1 − x) dx = 1/3.
    expect(probabilityToBeat(counts(1, 1), counts(0, 0))).toBeCloseTo(1 / 3, 14);
    // No data at all: the prior against itself.
    expect(probabilityToBeat(counts(0, 0), counts(0, 0))).toBeCloseTo(1 / 2, 14);
    // 1 of 2 vs 2 of 2: Beta(2, 2) vs Beta(3, 1); ∫₀¹ 6x(1 − x)(1 − x³) dx = 1 − 6(1/5 − 1/6) = 4/5.
    expect(probabilityToBeat(counts(2, 1), counts(2, 2))).toBeCloseTo(4 / 5, 14);
  });

  it("agrees with the exact binomial-identity fraction for small counts, whichever parameter it sums over", () => {
    fc.assert(
      fc.property(smallCounts, smallCounts, (control, treatment) => {
        const expected = probabilityByBinomialIdentity(control, treatment);
        expect(Math.abs(probabilityToBeat(control, treatment) - expected)).toBeLessThan(1e-12);
      }),
      { numRuns: 300 },
    );
  });

  it("a worked case by the same identity: 10 of 100 vs 15 of 100", () => {
    const expected = probabilityByBinomialIdentity(counts(100, 10), counts(100, 15));
    expect(expected).toBeGreaterThan(0.5);
    expect(probabilityToBeat(counts(100, 10), counts(100, 15))).toBeCloseTo(expected, 12);
  });
});

describe("probabilityToBeat: large counts", () => {
  const largeCounts = fc.integer({ min: 2_000, max: 200_000 }).chain((units) =>
    fc.integer({ min: 1_000, max: units - 1_000 }).map((conversions) => counts(units, conversions)),
  );

  it("the skew-corrected normal approximation is within 1e-4 of the closed form once every count is ≥ 1000", () => {
    fc.assert(
      fc.property(largeCounts, largeCounts, fc.integer({ min: -300, max: 300 }).map((k) => k / 100), (control, other, shift) => {
        // Put the treatment's rate within a few standard errors of the control's, where the answer is not just 0 or 1.
        const rate = control.conversions / control.units;
        const conversions = Math.round(other.units * (rate + shift * Math.sqrt((rate * (1 - rate)) / Math.min(control.units, other.units))));
        fc.pre(conversions >= 1_000 && other.units - conversions >= 1_000);
        const treatment = counts(other.units, conversions);
        expect(Math.abs(probabilityToBeatApproximate(control, treatment) - probabilityToBeatExact(control, treatment))).toBeLessThan(1e-4);
      }),
      { numRuns: 60 },
    );
  });

  it("past the closed form's limit it answers with the approximation, within 1e-6 of the exact sum", () => {
    const control = counts(1_000_000, 300_000);
    const treatment = counts(1_000_000, 301_000);
    expect(Math.min(300_000, 699_000) + 1).toBeGreaterThan(EXACT_TERMS_LIMIT);
    const answer = probabilityToBeat(control, treatment);
    expect(answer).toBe(probabilityToBeatApproximate(control, treatment));
    expect(Math.abs(answer - probabilityToBeatExact(control, treatment))).toBeLessThan(1e-6);
    expect(answer).toBeGreaterThan(0.9);
  });

  it("stays finite and in [0, 1] at extreme sizes", () => {
    expect(probabilityToBeat(counts(100_000_000, 5), counts(100_000_000, 50))).toBeGreaterThan(0.999999);
    expect(probabilityToBeat(counts(100_000_000, 50_000_000), counts(100_000_000, 49_950_000))).toBeLessThan(0.01);
    const hopeless = probabilityToBeat(counts(10, 10), counts(100_000_000, 0));
    expect(hopeless).toBeGreaterThanOrEqual(0);
    expect(hopeless).toBeLessThan(1e-50);
  });
});

describe("probabilityToBeat: properties and validation", () => {
  it("P(t beats c) + P(c beats t) = 1", () => {
    const anyCounts = fc.integer({ min: 0, max: 5_000_000 }).chain((units) => fc.integer({ min: 0, max: units }).map((conversions) => counts(units, conversions)));
    fc.assert(
      fc.property(anyCounts, anyCounts, (a, b) => {
        const forward = probabilityToBeat(a, b);
        expect(forward >= 0 && forward <= 1).toBe(true);
        expect(Math.abs(forward + probabilityToBeat(b, a) - 1)).toBeLessThan(1e-9);
      }),
    );
  });

  it("throws on invalid counts", () => {
    expect(() => probabilityToBeat(counts(5, 6), counts(5, 1))).toThrow("control.conversions (6) must not exceed control.units (5)");
    expect(() => probabilityToBeat(counts(5, 1), counts(-5, 0))).toThrow("treatment.units must be a non-negative integer, got -5");
  });
});
