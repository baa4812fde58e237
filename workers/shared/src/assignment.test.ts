import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ASSIGNMENT_LIMITS, assignVariant, hashUnit, murmurHash3x86_32, type WeightedVariant } from "./assignment.ts";
import { sampleRatioMismatch } from "./stats/index.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);
const bytes = (...values: number[]) => new Uint8Array(values);

/** A fixed population of synthetic unit ids, so the distribution tests are deterministic. */
const UNIT_IDS = Array.from({ length: 100_000 }, (_, i) => `user_${i}`);

function split(experimentId: string, variants: readonly WeightedVariant[]): number[] {
  const tally = new Map(variants.map(({ key }) => [key, 0]));
  for (const unitId of UNIT_IDS) {
    const key = assignVariant(experimentId, unitId, variants);
    tally.set(key, tally.get(key)! + 1);
  }
  return variants.map(({ key }) => tally.get(key)!);
}

describe("murmurHash3x86_32", () => {
  it("matches the reference implementation's published test vectors", () => {
    // Vectors for Austin Appleby's SMHasher MurmurHash3_x86_32, as used by ports across languages.
    const strings: [input: string, seed: number, hash: number][] = [
      ["", 0, 0],
      ["", 1, 0x514e28b7],
      ["", 0xffffffff, 0x81f16f39],
      ["\0\0\0\0", 0, 0x2362f9de],
      ["a", 0x9747b28c, 0x7fa09ea6],
      ["aa", 0x9747b28c, 0x5d211726],
      ["aaa", 0x9747b28c, 0x283e0130],
      ["aaaa", 0x9747b28c, 0x5a97808a],
      ["ab", 0x9747b28c, 0x74875592],
      ["abc", 0x9747b28c, 0xc84a62dd],
      ["abcd", 0x9747b28c, 0xf0478627],
      ["Hello, world!", 0x9747b28c, 0x24884cba],
      ["Hello, world!", 0, 0xc0363e43],
      ["ππππππππ", 0x9747b28c, 0xd58063c1], // UTF-8: 16 bytes
      ["a".repeat(256), 0x9747b28c, 0x37405bdc],
      ["abc", 0, 0xb3dd93fa],
      ["abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 0, 0xee925b90],
      ["The quick brown fox jumps over the lazy dog", 0x9747b28c, 0x2fa826cd],
      ["The quick brown fox jumps over the lazy dog", 0, 0x2e4ff723],
      ["test", 0, 0xba6bd213],
    ];
    for (const [input, seed, hash] of strings) expect(murmurHash3x86_32(utf8(input), undefined, seed), `${JSON.stringify(input.slice(0, 20))} seed ${seed}`).toBe(hash);
    const raw: [input: Uint8Array, seed: number, hash: number][] = [
      [bytes(0x21, 0x43, 0x65, 0x87), 0, 0xf55b516b],
      [bytes(0x21, 0x43, 0x65, 0x87), 0x5082edee, 0x2362f9de],
      [bytes(0x21, 0x43, 0x65), 0, 0x7e4a8634],
      [bytes(0x21, 0x43), 0, 0xa0f7b07a],
      [bytes(0x21), 0, 0x72661cf4],
      [bytes(0xff, 0xff, 0xff, 0xff), 0, 0x76293b50],
      [bytes(0, 0, 0), 0, 0x85f0b427],
      [bytes(0, 0), 0, 0x30f4c306],
    ];
    for (const [input, seed, hash] of raw) expect(murmurHash3x86_32(input, undefined, seed)).toBe(hash);
  });

  it("hashes only the first `length` bytes and rejects a length outside the buffer", () => {
    expect(murmurHash3x86_32(utf8("abcXYZ"), 3, 0)).toBe(0xb3dd93fa);
    expect(() => murmurHash3x86_32(utf8("abc"), 4)).toThrow(/length must be within 0..3/);
  });
});

describe("hashUnit", () => {
  it("is MurmurHash3 of UTF-8(experiment) ‖ 0xFF ‖ UTF-8(unit), Unicode by UTF-8 bytes", () => {
    expect(hashUnit("exp", "ü")).toBe(murmurHash3x86_32(bytes(0x65, 0x78, 0x70, 0xff, 0xc3, 0xbc)));
    expect(hashUnit("实验", "👩‍💻")).toBe(murmurHash3x86_32(new Uint8Array([...utf8("实验"), 0xff, ...utf8("👩‍💻")])));
    // No normalization: composed and decomposed "é" are different ids.
    expect(hashUnit("exp", "\u00e9")).not.toBe(hashUnit("exp", "e\u0301"));
    // A lone surrogate is encoded as U+FFFD, like TextEncoder does.
    expect(hashUnit("exp", "\ud800")).toBe(hashUnit("exp", "\ufffd"));
  });

  it("keeps the experiment/unit boundary: ('ab', 'c') and ('a', 'bc') hash differently", () => {
    expect(hashUnit("ab", "c")).not.toBe(hashUnit("a", "bc"));
  });

  it("is a 32-bit unsigned integer, equal across calls in any order, for short and long ids", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40, unit: "grapheme" }), fc.string({ minLength: 1, maxLength: 600, unit: "grapheme" }), (experimentId, unitId) => {
        const first = hashUnit(experimentId, unitId);
        expect(Number.isInteger(first) && first >= 0 && first <= 0xffffffff).toBe(true);
        hashUnit("another experiment", "another unit"); // reuses the scratch buffer in between
        expect(hashUnit(experimentId, unitId)).toBe(first);
        expect(first).toBe(murmurHash3x86_32(new Uint8Array([...utf8(experimentId), 0xff, ...utf8(unitId)])));
      }),
    );
  });
});

describe("assignVariant", () => {
  const fiftyFifty: WeightedVariant[] = [
    { key: "control", weight: 50 },
    { key: "treatment", weight: 50 },
  ];
  const threeWay: WeightedVariant[] = [
    { key: "a", weight: 10 },
    { key: "b", weight: 30 },
    { key: "c", weight: 60 },
  ];

  it("is sticky: the same unit gets the same variant every time", () => {
    const first = UNIT_IDS.slice(0, 1000).map((unitId) => assignVariant("exp_sticky", unitId, threeWay));
    const again = UNIT_IDS.slice(0, 1000)
      .reverse()
      .map((unitId) => assignVariant("exp_sticky", unitId, threeWay))
      .reverse();
    expect(again).toEqual(first);
  });

  it("picks by cumulative weight from the scaled hash", () => {
    for (const unitId of UNIT_IDS.slice(0, 1000)) {
      const bucket = Math.floor((hashUnit("exp_rule", unitId) / 2 ** 32) * 100);
      const expected = bucket < 10 ? "a" : bucket < 40 ? "b" : "c";
      expect(assignVariant("exp_rule", unitId, threeWay)).toBe(expected);
    }
  });

  it("splits 100,000 fixed unit ids 50/50 as weighted (chi-square p > 0.001)", () => {
    const observed = split("exp_5050", fiftyFifty);
    expect(sampleRatioMismatch(observed, [50, 50]).p_value).toBeGreaterThan(0.001);
    for (const count of observed) expect(Math.abs(count / UNIT_IDS.length - 0.5)).toBeLessThan(0.01);
  });

  it("splits 100,000 fixed unit ids 10/30/60 as weighted (chi-square p > 0.001)", () => {
    const observed = split("exp_103060", threeWay);
    expect(sampleRatioMismatch(observed, [10, 30, 60]).p_value).toBeGreaterThan(0.001);
    expect(observed[0]! / UNIT_IDS.length).toBeCloseTo(0.1, 2);
    expect(observed[1]! / UNIT_IDS.length).toBeCloseTo(0.3, 2);
    expect(observed[2]! / UNIT_IDS.length).toBeCloseTo(0.6, 2);
  });

  it("spreads units evenly over 100 equal variants (uniform hash)", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => ({ key: `v${i}`, weight: 1 }));
    const observed = split("exp_uniform", hundred);
    expect(sampleRatioMismatch(observed, hundred.map(() => 1)).p_value).toBeGreaterThan(0.001);
  });

  it("reshuffles units for another experiment id, independently", () => {
    let changed5050 = 0;
    let changed3Way = 0;
    for (const unitId of UNIT_IDS) {
      if (assignVariant("exp_one", unitId, fiftyFifty) !== assignVariant("exp_two", unitId, fiftyFifty)) changed5050++;
      if (assignVariant("exp_one", unitId, threeWay) !== assignVariant("exp_two", unitId, threeWay)) changed3Way++;
    }
    // Independent assignments differ with probability 1 − Σ wᵢ²: 0.5 and 1 − (0.01 + 0.09 + 0.36) = 0.54 (SD ≈ 0.0016).
    expect(Math.abs(changed5050 / UNIT_IDS.length - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(changed3Way / UNIT_IDS.length - 0.54)).toBeLessThan(0.01);
  });

  it("ramping a treatment up at a constant total weight moves units only into the treatment", () => {
    const before = [
      { key: "control", weight: 90 },
      { key: "treatment", weight: 10 },
    ];
    const after = [
      { key: "control", weight: 80 },
      { key: "treatment", weight: 20 },
    ];
    for (const unitId of UNIT_IDS.slice(0, 10_000)) {
      if (assignVariant("exp_ramp", unitId, before) === "treatment") expect(assignVariant("exp_ramp", unitId, after)).toBe("treatment");
    }
  });

  it("returns the only variant when there is one", () => {
    expect(assignVariant("exp", "u1", [{ key: "only", weight: 3 }])).toBe("only");
  });

  it("throws a clear Error on empty ids and empty or invalid variants", () => {
    expect(() => assignVariant("exp", "u1", [])).toThrow("assignVariant needs at least one variant");
    expect(() => assignVariant("", "u1", fiftyFifty)).toThrow("assignVariant needs a non-empty experimentId");
    expect(() => assignVariant("exp", "", fiftyFifty)).toThrow("assignVariant needs a non-empty unitId");
    expect(() => assignVariant("exp", "u1", [{ key: "a", weight: 0 }])).toThrow('variant "a" needs a positive integer weight, got 0');
    expect(() => assignVariant("exp", "u1", [{ key: "a", weight: -5 }])).toThrow(/positive integer weight/);
    expect(() => assignVariant("exp", "u1", [{ key: "a", weight: 1.5 }])).toThrow(/positive integer weight, got 1.5/);
    expect(() => assignVariant("exp", "u1", [{ key: "a", weight: Number.NaN }])).toThrow(/positive integer weight/);
    expect(() => assignVariant("exp", "u1", [{ key: "", weight: 1 }])).toThrow("variant 0 needs a non-empty string key");
    expect(() =>
      assignVariant("exp", "u1", [
        { key: "a", weight: 1 },
        { key: "a", weight: 2 },
      ]),
    ).toThrow('variant key "a" appears more than once');
    const tooMany = Array.from({ length: ASSIGNMENT_LIMITS.variants + 1 }, (_, i) => ({ key: `v${i}`, weight: 1 }));
    expect(() => assignVariant("exp", "u1", tooMany)).toThrow(`at most ${ASSIGNMENT_LIMITS.variants} variants`);
    expect(() =>
      assignVariant("exp", "u1", [
        { key: "a", weight: ASSIGNMENT_LIMITS.totalWeight },
        { key: "b", weight: 1 },
      ]),
    ).toThrow(/weights add up to 1000001/);
  });
});
