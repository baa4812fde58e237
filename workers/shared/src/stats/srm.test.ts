import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalCdf } from "./distributions.ts";
import { sampleRatioMismatch } from "./srm.ts";

describe("sampleRatioMismatch: published and worked examples", () => {
  it("scipy.stats.chisquare documentation: [16, 18, 16, 14, 12, 12]", () => {
    // Equal expected counts: statistic 2.0, p = 0.84914503608460956.
    const equal = sampleRatioMismatch([16, 18, 16, 14, 12, 12], [1, 1, 1, 1, 1, 1]);
    expect(equal.chi_square).toBeCloseTo(2, 12);
    expect(equal.p_value).toBeCloseTo(0.84914503608460956, 12);
    // Expected [16, 16, 16, 16, 16, 8]: statistic 3.5, p = 0.62338762774958223.
    const weighted = sampleRatioMismatch([16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8]);
    expect(weighted.chi_square).toBeCloseTo(3.5, 12);
    expect(weighted.p_value).toBeCloseTo(0.62338762774958223, 12);
  });

  it("Mendel's dihybrid cross: 315 / 108 / 101 / 32 against 9 : 3 : 3 : 1", () => {
    // The textbook goodness-of-fit example (Mendel 1866 data): χ² = 0.470 on 3 df, p ≈ 0.925.
    const result = sampleRatioMismatch([315, 108, 101, 32], [9, 3, 3, 1]);
    expect(result.chi_square).toBeCloseTo(0.47, 3);
    expect(result.p_value).toBeCloseTo(0.925, 3);
  });

  it("a 50/50 experiment with 21,588 vs 20,412 units is a clear mismatch", () => {
    // Worked from the formula: expected 21,000 each, χ² = 2 · 588² / 21,000 = 32.928 on 1 df,
    // and for 1 df the tail is two-sided normal: p = 2Φ(−√32.928) ≈ 9.56e-9.
    const result = sampleRatioMismatch([21_588, 20_412], [50, 50]);
    expect(result.chi_square).toBeCloseTo(32.928, 10);
    expect(result.p_value / (2 * normalCdf(-Math.sqrt(32.928)))).toBeCloseTo(1, 10);
    expect(result.p_value).toBeCloseTo(9.5636e-9, 12);
    expect(result.p_value).toBeLessThan(0.001);
  });

  it("a split that matches its weights passes", () => {
    const result = sampleRatioMismatch([10_000, 30_000, 60_000], [10, 30, 60]);
    expect(result).toEqual({ chi_square: 0, p_value: 1 });
  });
});

describe("sampleRatioMismatch: edges and validation", () => {
  it("no units at all is no evidence of a mismatch", () => {
    expect(sampleRatioMismatch([0, 0], [1, 1])).toEqual({ chi_square: 0, p_value: 1 });
  });

  it("weights of any scale give the same answer", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 1000 })), { minLength: 2, maxLength: 10 }),
        fc.integer({ min: 2, max: 1000 }),
        (rows, scale) => {
          const observed = rows.map(([count]) => count);
          const weights = rows.map(([, weight]) => weight);
          const a = sampleRatioMismatch(observed, weights);
          const b = sampleRatioMismatch(observed, weights.map((weight) => weight * scale));
          expect(a.p_value >= 0 && a.p_value <= 1).toBe(true);
          expect(Math.abs(a.chi_square - b.chi_square)).toBeLessThanOrEqual(1e-9 * Math.max(1, a.chi_square));
        },
      ),
    );
  });

  it("throws on mismatched lengths, fewer than two variants, bad counts and bad weights", () => {
    expect(() => sampleRatioMismatch([1, 2, 3], [1, 1])).toThrow("observed has 3 counts but weights has 2; they must match");
    expect(() => sampleRatioMismatch([5], [1])).toThrow("a sample-ratio test needs at least 2 variants, got 1");
    expect(() => sampleRatioMismatch([5, -1], [1, 1])).toThrow("observed[1] must be a non-negative integer, got -1");
    expect(() => sampleRatioMismatch([5, 1.5], [1, 1])).toThrow(/observed\[1\]/);
    expect(() => sampleRatioMismatch([5, 1], [1, 0])).toThrow("weights[1] must be a finite number > 0, got 0");
    expect(() => sampleRatioMismatch([5, 1], [Number.NaN, 1])).toThrow(/weights\[0\]/);
  });
});
