import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { VariantCounts } from "./counts.ts";
import { compareToControl, type Comparison } from "./proportions.ts";

const counts = (units: number, conversions: number): VariantCounts => ({ units, conversions });

/** Arbitrary counts: units up to 10^6 (sometimes tiny), conversions anywhere in [0, units]. */
const variantCounts = fc
  .oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 1_000_000 }))
  .chain((units) => fc.integer({ min: 0, max: units }).map((conversions) => counts(units, conversions)));

function assertNoNaN(result: Comparison): void {
  for (const [field, value] of Object.entries(result)) expect(Number.isNaN(value), field).toBe(false);
}

describe("compareToControl: published worked examples", () => {
  it("two-proportion z-test: 5/83 vs 12/99 gives p = 0.159", () => {
    // statsmodels' proportions_ztest docstring example (p printed as 0.159) and its regression test
    // for GH 2969: z = −1.4078304151258787, p = 0.15918129181156992 (pooled SE, two-sided).
    const result = compareToControl(counts(83, 5), counts(99, 12));
    expect(result.p_value).toBeCloseTo(0.15918129181156992, 12);
    expect(result.conversion_rate).toBeCloseTo(12 / 99, 15);
    expect(result.lift).toBeCloseTo(12 / 99 / (5 / 83) - 1, 12);
  });

  it("relative-lift interval: Sahai & Khurshid, Statistics in Epidemiology (1996), Example 3.1", () => {
    // Coronary heart disease by catecholamine level: 27 of 122 (high CAT) vs 44 of 487 (low CAT).
    // Published risk ratio 2.4495 with Katz 95 % interval 1.5837 … 3.7887; full digits as printed
    // in scipy.stats.contingency.relative_risk's documentation of the same example.
    const result = compareToControl(counts(487, 44), counts(122, 27));
    expect(result.lift! + 1).toBeCloseTo(2.4495156482861398, 12);
    expect(result.ci_low! + 1).toBeCloseTo(1.5836990926700116, 9);
    expect(result.ci_high! + 1).toBeCloseTo(3.7886786315466354, 9);
  });

  it("relative-lift interval: 10 of 75 vs 12 of 225 (risk ratio 2.5)", () => {
    // scipy RelativeRiskResult.confidence_interval docstring: RR 2.5, 95 % CI 1.1261564003469628 … 5.549850800541033.
    const result = compareToControl(counts(225, 12), counts(75, 10));
    expect(result.lift).toBeCloseTo(1.5, 12);
    expect(result.ci_low! + 1).toBeCloseTo(1.1261564003469628, 9);
    expect(result.ci_high! + 1).toBeCloseTo(5.549850800541033, 9);
  });

  it("a wider confidence level gives a wider interval around the same lift", () => {
    const at95 = compareToControl(counts(487, 44), counts(122, 27));
    const at99 = compareToControl(counts(487, 44), counts(122, 27), 0.99);
    expect(at99.lift).toBe(at95.lift);
    expect(at99.ci_low!).toBeLessThan(at95.ci_low!);
    expect(at99.ci_high!).toBeGreaterThan(at95.ci_high!);
    expect(at99.p_value).toBe(at95.p_value);
  });
});

describe("compareToControl: edge cases give nulls, never NaN", () => {
  it("no units anywhere", () => {
    expect(compareToControl(counts(0, 0), counts(0, 0))).toEqual({
      conversion_rate: 0,
      lift: null,
      ci_low: null,
      ci_high: null,
      p_value: null,
      probability_to_beat_control: null,
    });
  });

  it("one arm without units: the treatment's rate only", () => {
    expect(compareToControl(counts(0, 0), counts(100, 10))).toEqual({
      conversion_rate: 0.1,
      lift: null,
      ci_low: null,
      ci_high: null,
      p_value: null,
      probability_to_beat_control: null,
    });
    const noTreatment = compareToControl(counts(100, 10), counts(0, 0));
    expect(noTreatment.conversion_rate).toBe(0);
    expect(noTreatment.lift).toBeNull();
    expect(noTreatment.p_value).toBeNull();
  });

  it("control without conversions: no relative lift, but a p-value and a probability", () => {
    const result = compareToControl(counts(1000, 0), counts(1000, 10));
    expect(result.lift).toBeNull();
    expect(result.ci_low).toBeNull();
    expect(result.p_value!).toBeLessThan(0.01);
    expect(result.probability_to_beat_control!).toBeGreaterThan(0.99);
  });

  it("no conversions in either arm: pooled rate 0, p-value undefined", () => {
    const result = compareToControl(counts(1000, 0), counts(1000, 0));
    expect(result.p_value).toBeNull();
    expect(result.lift).toBeNull();
    expect(result.probability_to_beat_control).toBeCloseTo(0.5, 12);
  });

  it("every unit converts in both arms: pooled rate 1, zero-width interval withheld", () => {
    const result = compareToControl(counts(50, 50), counts(60, 60));
    expect(result.lift).toBe(0);
    expect(result.p_value).toBeNull();
    expect(result.ci_low).toBeNull();
    expect(result.ci_high).toBeNull();
  });

  it("treatment without conversions: lift −100 %, interval undefined (ln 0)", () => {
    const result = compareToControl(counts(1000, 100), counts(1000, 0));
    expect(result.lift).toBe(-1);
    expect(result.ci_low).toBeNull();
    expect(result.p_value!).toBeLessThan(1e-10);
  });

  it("identical arms: lift 0, p = 1, probability 1/2", () => {
    const result = compareToControl(counts(5000, 400), counts(5000, 400));
    expect(result.lift).toBe(0);
    expect(result.p_value).toBe(1);
    expect(result.probability_to_beat_control).toBeCloseTo(0.5, 10);
    expect(result.ci_low!).toBeLessThan(0);
    expect(result.ci_high!).toBeGreaterThan(0);
  });
});

describe("compareToControl: invalid input throws", () => {
  it("rejects negative, fractional and impossible counts, naming the field", () => {
    expect(() => compareToControl(counts(-1, 0), counts(1, 0))).toThrow("control.units must be a non-negative integer, got -1");
    expect(() => compareToControl(counts(10, 0), counts(10, -2))).toThrow("treatment.conversions must be a non-negative integer, got -2");
    expect(() => compareToControl(counts(10, 11), counts(10, 0))).toThrow("control.conversions (11) must not exceed control.units (10)");
    expect(() => compareToControl(counts(10.5, 1), counts(10, 0))).toThrow(/control.units must be a non-negative integer/);
    expect(() => compareToControl(counts(10, Number.NaN), counts(10, 0))).toThrow(/control.conversions/);
  });

  it("rejects a confidence level outside (0, 1)", () => {
    for (const confidence of [0, 1, 95, -0.5, Number.NaN]) {
      expect(() => compareToControl(counts(10, 1), counts(10, 2), confidence)).toThrow(/confidence must be between 0 and 1/);
    }
  });
});

describe("compareToControl: properties", () => {
  it("never NaN; p-value in [0, 1]; the interval contains the lift", () => {
    fc.assert(
      fc.property(variantCounts, variantCounts, (control, treatment) => {
        const result = compareToControl(control, treatment);
        assertNoNaN(result);
        if (result.p_value !== null) expect(result.p_value >= 0 && result.p_value <= 1).toBe(true);
        if (result.ci_low !== null) {
          expect(result.lift).not.toBeNull();
          expect(result.ci_low).toBeGreaterThanOrEqual(-1);
          expect(result.ci_low).toBeLessThanOrEqual(result.lift!);
          expect(result.ci_high!).toBeGreaterThanOrEqual(result.lift!);
        }
        const probability = result.probability_to_beat_control;
        if (probability !== null) expect(probability >= 0 && probability <= 1).toBe(true);
      }),
    );
  });

  it("swapping control and treatment keeps the p-value, complements the probability and inverts the ratio interval", () => {
    fc.assert(
      fc.property(variantCounts, variantCounts, (a, b) => {
        const forward = compareToControl(a, b);
        const backward = compareToControl(b, a);
        if (forward.p_value === null) expect(backward.p_value).toBeNull();
        else expect(Math.abs(forward.p_value - backward.p_value!)).toBeLessThan(1e-12);
        if (forward.probability_to_beat_control !== null) {
          expect(Math.abs(forward.probability_to_beat_control + backward.probability_to_beat_control! - 1)).toBeLessThan(1e-9);
        }
        if (forward.ci_low !== null && backward.ci_low !== null) {
          // The Katz interval of p_c/p_t is the reciprocal of the one for p_t/p_c.
          expect((1 + forward.ci_low) * (1 + backward.ci_high!)).toBeCloseTo(1, 9);
          expect((1 + forward.ci_high!) * (1 + backward.ci_low)).toBeCloseTo(1, 9);
        }
      }),
    );
  });

  it("one more conversion in the treatment never lowers its probability to beat control", () => {
    fc.assert(
      fc.property(variantCounts, variantCounts, (control, treatment) => {
        fc.pre(treatment.conversions < treatment.units && control.units > 0);
        const before = compareToControl(control, treatment).probability_to_beat_control!;
        const after = compareToControl(control, counts(treatment.units, treatment.conversions + 1)).probability_to_beat_control!;
        // Up to rounding: near 0 or 1 the closed form's absolute error at ~10^6 units is ~1e-10.
        expect(after).toBeGreaterThanOrEqual(before - 1e-9);
      }),
    );
  });
});
