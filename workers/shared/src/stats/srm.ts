/**
 * Sample-ratio-mismatch check (A6): do the units per variant match the configured traffic
 * weights? A Pearson chi-square goodness-of-fit test with k − 1 degrees of freedom. A tiny
 * p-value (conventionally < 0.001) means assignment or logging is broken and the experiment's
 * results should not be trusted, whatever they say.
 */
import { chiSquareSurvival } from "./distributions.ts";

export interface SampleRatioMismatch {
  chi_square: number;
  p_value: number;
}

/**
 * `observed[i]`: units seen in variant i; `weights[i]`: its configured traffic weight (any
 * positive scale). No units at all is no evidence of a mismatch: χ² = 0, p = 1.
 */
export function sampleRatioMismatch(observed: readonly number[], weights: readonly number[]): SampleRatioMismatch {
  if (observed.length !== weights.length) {
    throw new RangeError(`observed has ${observed.length} counts but weights has ${weights.length}; they must match`);
  }
  if (observed.length < 2) throw new RangeError(`a sample-ratio test needs at least 2 variants, got ${observed.length}`);
  let total = 0;
  let totalWeight = 0;
  for (let i = 0; i < observed.length; i++) {
    const count = observed[i]!;
    const weight = weights[i]!;
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`observed[${i}] must be a non-negative integer, got ${count}`);
    if (!(weight > 0) || !Number.isFinite(weight)) throw new RangeError(`weights[${i}] must be a finite number > 0, got ${weight}`);
    total += count;
    totalWeight += weight;
  }
  if (total === 0) return { chi_square: 0, p_value: 1 };
  let chiSquare = 0;
  for (let i = 0; i < observed.length; i++) {
    const expected = (total * weights[i]!) / totalWeight;
    const difference = observed[i]! - expected;
    chiSquare += (difference * difference) / expected;
  }
  return { chi_square: chiSquare, p_value: chiSquareSurvival(chiSquare, observed.length - 1) };
}
