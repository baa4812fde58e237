/**
 * Sticky A/B assignment (A6), run at the edge on every get-prompt of an experiment: pure,
 * synchronous, no WebCrypto. The unit id (user, session, …) and the experiment id hash to a
 * 32-bit value (MurmurHash3 x86_32 over UTF-8 bytes), which scaled to [0, total weight) picks a
 * variant by cumulative weights in the order given. The same unit keeps its variant as long as
 * the variant list and weights stay the same; another experiment id reshuffles units
 * independently, so one experiment's treatment group is not the next one's. Moving weight from
 * the second-to-last variant to the last one (total unchanged) only moves units into the last.
 * Ids are hashed as given: no Unicode normalization, no trimming, case-sensitive.
 */

/** A variant and its share of traffic; `weight` is a positive integer. */
export interface WeightedVariant {
  key: string;
  weight: number;
}

/** Bounds checked by assignVariant; a total weight ≤ 10^6 (< 2^20) keeps hash × total exact in a double. */
export const ASSIGNMENT_LIMITS = { variants: 100, totalWeight: 1_000_000 } as const;

/**
 * MurmurHash3 x86_32 (Austin Appleby, public domain algorithm) of `bytes[0, length)`.
 * Exported for tests against the reference vectors.
 */
export function murmurHash3x86_32(bytes: Uint8Array, length = bytes.length, seed = 0): number {
  if (!Number.isInteger(length) || length < 0 || length > bytes.length) throw new RangeError(`length must be within 0..${bytes.length}, got ${length}`);
  return murmur(bytes, length, seed);
}

/** The hash without the argument checks: hashUnit's lengths are right by construction, and the SDKs' bundles leave the checks out. */
function murmur(bytes: Uint8Array, length: number, seed: number): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blockEnd = length - (length % 4);
  for (let i = 0; i < blockEnd; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length % 4;
  if (tail > 0) {
    let k = bytes[blockEnd]!;
    if (tail >= 2) k ^= bytes[blockEnd + 1]! << 8;
    if (tail === 3) k ^= bytes[blockEnd + 2]! << 16;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const encoder = new TextEncoder();
// Reused across calls (JS is single-threaded and hashUnit never yields), so ordinary ids allocate nothing.
const REUSED_BUFFER_BYTES = 1024;
const reusedBuffer = new Uint8Array(REUSED_BUFFER_BYTES);

/**
 * The 32-bit hash (0 … 2^32 − 1) of a unit within an experiment: MurmurHash3 x86_32, seed 0, over
 * UTF-8(experimentId) ‖ 0xFF ‖ UTF-8(unitId). 0xFF never occurs in UTF-8, so the split is
 * unambiguous. Lone surrogates encode as U+FFFD, as TextEncoder does.
 */
export function hashUnit(experimentId: string, unitId: string): number {
  // A UTF-16 code unit takes at most 3 UTF-8 bytes.
  const capacity = 3 * (experimentId.length + unitId.length) + 1;
  const buffer = capacity <= REUSED_BUFFER_BYTES ? reusedBuffer : new Uint8Array(capacity);
  const experimentBytes = encoder.encodeInto(experimentId, buffer).written;
  buffer[experimentBytes] = 0xff;
  const unitBytes = encoder.encodeInto(unitId, buffer.subarray(experimentBytes + 1)).written;
  return murmur(buffer, experimentBytes + 1 + unitBytes, 0);
}

/** Throws a clear Error unless `variants` is a usable list; returns the total weight. */
function totalWeightOf(variants: readonly WeightedVariant[]): number {
  if (!Array.isArray(variants) || variants.length === 0) throw new Error("assignVariant needs at least one variant");
  if (variants.length > ASSIGNMENT_LIMITS.variants) {
    throw new Error(`assignVariant takes at most ${ASSIGNMENT_LIMITS.variants} variants, got ${variants.length}`);
  }
  let total = 0;
  const keys = new Set<string>();
  for (let i = 0; i < variants.length; i++) {
    const { key, weight } = variants[i]!;
    if (typeof key !== "string" || key.length === 0) throw new Error(`variant ${i} needs a non-empty string key`);
    if (!Number.isSafeInteger(weight) || weight <= 0) throw new Error(`variant "${key}" needs a positive integer weight, got ${weight}`);
    if (keys.has(key)) throw new Error(`variant key "${key}" appears more than once`);
    keys.add(key);
    total += weight;
  }
  if (total > ASSIGNMENT_LIMITS.totalWeight) {
    throw new Error(`the variants' weights add up to ${total}; at most ${ASSIGNMENT_LIMITS.totalWeight} is allowed`);
  }
  return total;
}

/**
 * The variant key for `unitId` in `experimentId`: deterministic, and over many units the split
 * follows the weights. Throws on empty ids and on an empty or invalid variant list.
 */
export function assignVariant(experimentId: string, unitId: string, variants: readonly WeightedVariant[]): string {
  if (typeof experimentId !== "string" || experimentId.length === 0) throw new Error("assignVariant needs a non-empty experimentId");
  if (typeof unitId !== "string" || unitId.length === 0) throw new Error("assignVariant needs a non-empty unitId");
  const total = totalWeightOf(variants);
  // hash · total < 2^32 · 2^20 < 2^53: exact, and the quotient lies in [0, total).
  const bucket = Math.floor((hashUnit(experimentId, unitId) * total) / 4294967296);
  let cumulative = 0;
  for (const variant of variants) {
    cumulative += variant.weight;
    if (bucket < cumulative) return variant.key;
  }
  throw new Error("unreachable: bucket beyond the total weight");
}

/** A prompt as served: its published version, and the running experiment's variants when there is one. */
export interface ExperimentCarrier {
  experiment?: { id: string; variants: ReadonlyArray<WeightedVariant & { version: unknown }> } | null;
}

/** What a prompt serves: the prompt's own (published) version or one of its variants' versions. */
export type ServedBy<P extends ExperimentCarrier> = P | NonNullable<P["experiment"]>["variants"][number]["version"];

export interface ChosenVersion<V> {
  version: V;
  variant: string | null;
  experimentId: string | null;
}

/**
 * Which version a get-prompt serves (A6), at the edge and in the SDKs alike. Without a running
 * experiment: the published version. With one, a caller that sends a unit id gets the variant the
 * unit hashes to (sticky for as long as the experiment runs, whatever edge location or SDK
 * answers), and its exposure counts for that variant. A caller without a unit id cannot be
 * assigned stickily, so, as Statsig and GrowthBook do with a missing unit, it is left out of the
 * experiment: it gets the published version, no variant, and its exposure carries no experiment.
 */
export function chooseVersion<P extends ExperimentCarrier>(prompt: P, unitId: string | undefined): ChosenVersion<ServedBy<P>> {
  const experiment = prompt.experiment;
  if (!experiment || unitId === undefined) return { version: prompt, variant: null, experimentId: null };
  const key = assignVariant(experiment.id, unitId, experiment.variants);
  const variant = experiment.variants.find((candidate) => candidate.key === key)!;
  return { version: variant.version, variant: key, experimentId: experiment.id };
}
