/** Experiment statistics (A6): per-variant comparison with control, probability to beat, sample-ratio mismatch. */
export { chiSquareSurvival, normalCdf, normalQuantile } from "./distributions.ts";
export { conversionRate, type VariantCounts } from "./counts.ts";
export { compareToControl, type Comparison } from "./proportions.ts";
export { probabilityToBeat } from "./bayes.ts";
export { sampleRatioMismatch, type SampleRatioMismatch } from "./srm.ts";
