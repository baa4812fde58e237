import { describe, expect, it } from "vitest";
import { TtlCache } from "./ttl-cache.ts";

function cacheWithClock(options: { ttlMs: number; maxEntries: number }) {
  const clock = { now: 1_000 };
  return { clock, cache: new TtlCache<string | null>({ ...options, now: () => clock.now }) };
}

describe("TtlCache", () => {
  it("serves an entry until its TTL has passed, then misses", () => {
    const { clock, cache } = cacheWithClock({ ttlMs: 250, maxEntries: 10 });
    cache.set("a", "one");
    clock.now += 249;
    expect(cache.get("a")).toBe("one");
    clock.now += 1;
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("remembers null as a hit, distinct from a miss", () => {
    const { cache } = cacheWithClock({ ttlMs: 250, maxEntries: 10 });
    cache.set("unknown", null);
    expect(cache.get("unknown")).toBeNull();
    expect(cache.get("never-set")).toBeUndefined();
  });

  it("takes a TTL per entry", () => {
    const { clock, cache } = cacheWithClock({ ttlMs: 250, maxEntries: 10 });
    cache.set("long", "kept", 10_000);
    clock.now += 5_000;
    expect(cache.get("long")).toBe("kept");
  });

  it("evicts the least recently used entry beyond its size, a read counting as a use", () => {
    const { cache } = cacheWithClock({ ttlMs: 250, maxEntries: 3 });
    cache.set("a", "1");
    cache.set("b", "2");
    cache.set("c", "3");
    expect(cache.get("a")).toBe("1");
    cache.set("d", "4");
    expect(cache.size).toBe(3);
    expect(cache.get("b")).toBeUndefined();
    expect([cache.get("a"), cache.get("c"), cache.get("d")]).toEqual(["1", "3", "4"]);
  });

  it("replaces an entry in place, with a fresh TTL", () => {
    const { clock, cache } = cacheWithClock({ ttlMs: 250, maxEntries: 2 });
    cache.set("a", "old");
    clock.now += 200;
    cache.set("a", "new");
    clock.now += 200;
    expect(cache.get("a")).toBe("new");
    expect(cache.size).toBe(1);
  });
});
