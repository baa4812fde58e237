import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chiSquareSurvival, logGamma, logGammaRatio, normalCdf, normalQuantile, regularizedGammaQ } from "./distributions.ts";

function factorial(n: number): bigint {
  let value = 1n;
  for (let i = 2n; i <= BigInt(n); i++) value *= i;
  return value;
}

describe("logGamma", () => {
  it("is ln((n − 1)!) at the integers and ln √π at 1/2", () => {
    for (let n = 1; n <= 60; n++) {
      const expected = Math.log(Number(factorial(n - 1)));
      expect(Math.abs(logGamma(n) - expected), `n = ${n}`).toBeLessThan(1e-12 * Math.max(1, expected));
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    // Γ(3/2) = √π / 2
    expect(logGamma(1.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI) / 2), 14);
  });

  it("satisfies Γ(x + 1) = x Γ(x) across the shift boundary", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), (x) => {
        const difference = logGamma(x + 1) - logGamma(x) - Math.log(x);
        return Math.abs(difference) < 1e-12 * Math.max(1, Math.abs(logGamma(x + 1)));
      }),
    );
  });

  it("gives ln(Γ(x + h)/Γ(x)) without the cancellation of two large ln Γ values", () => {
    // Γ(x + 1)/Γ(x) = x, and Γ(x + 3)/Γ(x) = x(x + 1)(x + 2), exactly, at any size.
    for (const x of [0.5, 3, 10, 1234.5, 1e6, 1e9]) {
      expect(logGammaRatio(x, 1), `x = ${x}`).toBeCloseTo(Math.log(x), 13);
      expect(logGammaRatio(x, 3), `x = ${x}`).toBeCloseTo(Math.log(x) + Math.log(x + 1) + Math.log(x + 2), 12);
    }
    expect(logGammaRatio(7, 0)).toBe(0);
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e4, noNaN: true }), fc.double({ min: 0, max: 1e4, noNaN: true }), (x, h) => {
        const direct = logGamma(x + h) - logGamma(x);
        return Math.abs(logGammaRatio(x, h) - direct) < 1e-11 * Math.max(1, Math.abs(logGamma(x + h)));
      }),
    );
    expect(() => logGammaRatio(0, 1)).toThrow(/x > 0 and h ≥ 0/);
    expect(() => logGammaRatio(1, -1)).toThrow(/x > 0 and h ≥ 0/);
  });

  it("rejects x ≤ 0, NaN and ∞", () => {
    for (const x of [0, -1, Number.NaN, Infinity]) expect(() => logGamma(x)).toThrow(/finite x > 0/);
  });
});

describe("normalCdf", () => {
  it("matches the published table values", () => {
    // Abramowitz & Stegun, Handbook of Mathematical Functions, Table 26.1 (P(x) to 15 decimals).
    expect(normalCdf(1.96)).toBeCloseTo(0.975002104851780, 13);
    expect(normalCdf(1)).toBeCloseTo(0.841344746068543, 13);
    expect(normalCdf(3)).toBeCloseTo(0.998650101968370, 13);
    expect(normalCdf(0)).toBe(0.5);
    // The task's reference value: Φ(1.96) = 0.9750021.
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 7);
  });

  it("keeps relative precision deep in the lower tail", () => {
    // Q(5) = 2.866515718791939e-7 and Q(10) = 7.619853024160527e-24: not table values, cross-checked
    // with mpmath's ncdf at 40 significant digits.
    expect(normalCdf(-5) / 2.866515718791939e-7).toBeCloseTo(1, 12);
    expect(normalCdf(-10) / 7.619853024160527e-24).toBeCloseTo(1, 12);
    expect(normalCdf(-40)).toBeGreaterThanOrEqual(0);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
  });

  it("is symmetric, monotone and within [0, 1]", () => {
    fc.assert(
      fc.property(fc.double({ min: -12, max: 12, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true }), (z, step) => {
        const value = normalCdf(z);
        return value >= 0 && value <= 1 && Math.abs(value + normalCdf(-z) - 1) < 1e-15 && normalCdf(z + step) >= value;
      }),
    );
  });

  it("rejects NaN", () => {
    expect(() => normalCdf(Number.NaN)).toThrow(/NaN/);
  });
});

describe("normalQuantile", () => {
  it("matches the published percentage points", () => {
    // Percentage points as tabulated in Abramowitz & Stegun ch. 26 (9 decimals); every z-table
    // prints 1.96, 1.645, 2.576 and 3.090 for the first four.
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 9);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644853627, 9);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829304, 9);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306, 9);
    expect(normalQuantile(1e-5)).toBeCloseTo(-4.264890794, 9);
    // The task's reference value: Φ⁻¹(0.975) = 1.959964.
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.5)).toBe(0);
  });

  it("inverts normalCdf, including the far lower tail", () => {
    // Above z ≈ 5, Φ(z) is so close to 1 that the double itself no longer pins z down to 1e-9.
    fc.assert(
      fc.property(fc.double({ min: -8, max: 5, noNaN: true }), (z) => Math.abs(normalQuantile(normalCdf(z)) - z) < 1e-9),
    );
    expect(normalQuantile(1e-300)).toBeCloseTo(-37.0470962993612, 10);
    expect(normalCdf(normalQuantile(1e-300)) / 1e-300).toBeCloseTo(1, 10);
  });

  it("maps 0 and 1 to ∓∞ and rejects probabilities outside [0, 1]", () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    for (const p of [-0.1, 1.1, Number.NaN]) expect(() => normalQuantile(p)).toThrow(/0 ≤ p ≤ 1/);
  });
});

describe("chiSquareSurvival", () => {
  it("gives the tail areas of the published critical values", () => {
    // NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.4, upper-tail critical values
    // (3 decimals, so the areas hold to ~1e-4).
    const table: [x: number, df: number, area: number][] = [
      [3.841, 1, 0.05],
      [6.635, 1, 0.01],
      [5.991, 2, 0.05],
      [9.21, 2, 0.01],
      [11.07, 5, 0.05],
      [18.307, 10, 0.05],
      [124.342, 100, 0.05],
    ];
    for (const [x, df, area] of table) expect(Math.abs(chiSquareSurvival(x, df) - area), `χ²(${df}) ≥ ${x}`).toBeLessThan(1e-4);
  });

  it("agrees with the closed forms for df = 1 and df = 2", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 200, noNaN: true }), (x) => {
        const df2 = Math.exp(-x / 2); // χ²(2) is exponential with mean 2
        const df1 = 2 * normalCdf(-Math.sqrt(x)); // χ²(1) is Z²
        return Math.abs(chiSquareSurvival(x, 2) - df2) <= 1e-13 * Math.max(df2, 1e-300) + 1e-300 && Math.abs(chiSquareSurvival(x, 1) - df1) <= 1e-12 * df1 + 1e-300;
      }),
    );
  });

  it("is 1 at x ≤ 0, 0 at ∞, decreasing in x", () => {
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(chiSquareSurvival(-2, 3)).toBe(1);
    expect(chiSquareSurvival(Infinity, 3)).toBe(0);
    // Decreasing to the precision the function keeps (1e-13 relative, as against the closed forms
    // below): computed in floating point, a step of an ulp or two of x can raise the result by an
    // ulp or two where the true decrease is smaller than its rounding, as fast-check found at
    // x = 499.7480583190905, step 2.842170943040401e-14, df 39 (2.687358251629361e-81, then
    // 2.6873582516293624e-81).
    fc.assert(
      fc.property(fc.double({ min: 0, max: 500, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }), fc.integer({ min: 1, max: 200 }), (x, step, df) => {
        const p = chiSquareSurvival(x, df);
        return p >= 0 && p <= 1 && chiSquareSurvival(x + step, df) <= p * (1 + 1e-13);
      }),
    );
    const [x, step, df] = [499.7480583190905, 2.842170943040401e-14, 39];
    expect(chiSquareSurvival(x + step, df)).toBeLessThanOrEqual(chiSquareSurvival(x, df) * (1 + 1e-13));
  });

  it("rejects a non-positive df and a NaN x", () => {
    expect(() => chiSquareSurvival(1, 0)).toThrow(/df > 0/);
    expect(() => chiSquareSurvival(1, Number.NaN)).toThrow(/df > 0/);
    expect(() => chiSquareSurvival(Number.NaN, 1)).toThrow(/NaN/);
    expect(() => regularizedGammaQ(1, -1)).toThrow(/x ≥ 0/);
  });
});
