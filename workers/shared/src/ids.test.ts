import { describe, expect, it } from "vitest";
import { newId } from "./ids.ts";

const BODY = /^tr_[0-9a-hjkmnp-tv-z]{26}$/;

describe("newId", () => {
  it("is the kind's prefix and a lower-case ULID, unique and sorted by creation even within one millisecond", () => {
    const now = Date.now();
    const ids = Array.from({ length: 5_000 }, () => newId("trace", now));
    for (const id of ids.slice(0, 50)) expect(id).toMatch(BODY);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(newId("trace", now + 1) > ids.at(-1)!).toBe(true);
  });

  it("spreads its random characters evenly over the 32 symbols", () => {
    // A new millisecond for every id, so each random part is freshly drawn rather than incremented.
    const start = Date.now();
    const counts = new Map<string, number>();
    const draws = 32_000;
    for (let index = 0; index < draws; index++) {
      const last = newId("trace", start + index).at(-1)!;
      counts.set(last, (counts.get(last) ?? 0) + 1);
    }
    expect(counts.size).toBe(32);
    // 1,000 expected per symbol, standard deviation ~31: ±200 is over six of them.
    for (const count of counts.values()) expect(count).toBeGreaterThan(800);
    for (const count of counts.values()) expect(count).toBeLessThan(1_200);
  });
});
