/**
 * Simulated experiments: the statistics must find an effect that was planted and must not find
 * one where there is none, at the advertised error rates. Seeded PRNG, so every run sees the same
 * data; the bands are several standard errors wide, so they do not depend on a lucky seed.
 */
import { describe, expect, it } from "vitest";
import type { VariantCounts } from "./counts.ts";
import { compareToControl } from "./proportions.ts";
import { sampleRatioMismatch } from "./srm.ts";

/** mulberry32: a tiny 32-bit seeded PRNG, uniform on [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `units` Bernoulli(rate) units. */
function simulateArm(random: () => number, units: number, rate: number): VariantCounts {
  let conversions = 0;
  for (let i = 0; i < units; i++) if (random() < rate) conversions++;
  return { units, conversions };
}

describe("a single experiment with a planted effect", () => {
  it("20,000 units per arm, 10 % vs 12 %: significant, interval above 0 and around the true lift, P(beat) > 0.99", () => {
    const random = mulberry32(20_260_601);
    const control = simulateArm(random, 20_000, 0.1);
    const treatment = simulateArm(random, 20_000, 0.12);
    const result = compareToControl(control, treatment);
    expect(result.p_value!).toBeLessThan(0.01);
    expect(result.ci_low!).toBeGreaterThan(0);
    expect(result.ci_low!).toBeLessThan(0.2);
    expect(result.ci_high!).toBeGreaterThan(0.2);
    expect(result.probability_to_beat_control!).toBeGreaterThan(0.99);
  });
});

describe("many simulated experiments", () => {
  it("A/A (10 % vs 10 %, 1,000 runs): about 5 % false positives, 95 % coverage, calibrated P(beat)", () => {
    const random = mulberry32(1);
    const runs = 1_000;
    let significant = 0;
    let intervalCoversZero = 0;
    let confidentWinner = 0;
    for (let run = 0; run < runs; run++) {
      const result = compareToControl(simulateArm(random, 10_000, 0.1), simulateArm(random, 10_000, 0.1));
      if (result.p_value! < 0.05) significant++;
      if (result.ci_low! <= 0 && result.ci_high! >= 0) intervalCoversZero++;
      if (result.probability_to_beat_control! > 0.95) confidentWinner++;
    }
    // Binomial(1000, 0.05) has SD 0.0069: the bands are ±2.9 SD.
    expect(significant / runs).toBeGreaterThan(0.03);
    expect(significant / runs).toBeLessThan(0.07);
    expect(intervalCoversZero / runs).toBeGreaterThan(0.93);
    expect(intervalCoversZero / runs).toBeLessThan(0.97);
    // With a flat prior, P(beat) > 0.95 under no effect happens about as often as a one-sided 5 % test rejects.
    expect(confidentWinner / runs).toBeGreaterThan(0.03);
    expect(confidentWinner / runs).toBeLessThan(0.07);
  });

  it("planted effect (10 % vs 11.2 %, 20,000 per arm, 200 runs): power > 0.9 and the interval covers the true lift", () => {
    // Expected power at α = 0.05: Φ(0.012 / √(2 · 0.106 · 0.894 / 20,000) − 1.96) ≈ 0.97.
    const random = mulberry32(2);
    const runs = 200;
    let significant = 0;
    let coversTrueLift = 0;
    for (let run = 0; run < runs; run++) {
      const result = compareToControl(simulateArm(random, 20_000, 0.1), simulateArm(random, 20_000, 0.112));
      if (result.p_value! < 0.05) significant++;
      if (result.ci_low! <= 0.12 && result.ci_high! >= 0.12) coversTrueLift++;
    }
    expect(significant / runs).toBeGreaterThan(0.9);
    // Binomial(200, 0.95) has SD 0.015.
    expect(coversTrueLift / runs).toBeGreaterThan(0.9);
    expect(coversTrueLift / runs).toBeLessThan(0.99);
  });

  it("sample-ratio test: quiet on a fair 50/50 coin, alarmed by a 52/48 split", () => {
    const random = mulberry32(3);
    const fairRuns = 1_000;
    let falseAlarms = 0;
    for (let run = 0; run < fairRuns; run++) {
      let first = 0;
      for (let unit = 0; unit < 10_000; unit++) if (random() < 0.5) first++;
      if (sampleRatioMismatch([first, 10_000 - first], [1, 1]).p_value < 0.05) falseAlarms++;
    }
    expect(falseAlarms / fairRuns).toBeGreaterThan(0.03);
    expect(falseAlarms / fairRuns).toBeLessThan(0.07);

    const brokenRuns = 200;
    let detected = 0;
    for (let run = 0; run < brokenRuns; run++) {
      let first = 0;
      for (let unit = 0; unit < 20_000; unit++) if (random() < 0.52) first++;
      if (sampleRatioMismatch([first, 20_000 - first], [1, 1]).p_value < 0.001) detected++;
    }
    // Expected χ² ≈ 32 against the 0.001 critical value 10.83: detection ≈ 0.99.
    expect(detected / brokenRuns).toBeGreaterThan(0.9);
  });
});
