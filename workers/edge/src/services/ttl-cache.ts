/**
 * A small in-isolate cache: every entry expires after its TTL, and once `maxEntries` are held the
 * least recently used entry makes room. A Map iterates in insertion order, so moving an entry to
 * the end on every hit keeps the least recently used one first.
 *
 * It holds values, never promises: a promise started by one request and awaited by another ties
 * the second to the first's I/O context in workerd, so two concurrent misses both read instead.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expires: number }>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: { ttlMs: number; maxEntries: number; now?: () => number }) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  /** The value, or undefined on a miss (a cached null is a hit: a remembered "not found"). */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expires <= this.#now()) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, ttlMs: number = this.#ttlMs): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: this.#now() + ttlMs });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * For what the edge reads from the KV projection: API-key records and published versions, found
 * or not found. A publish, a rollback or a revocation must reach the edge within 1 s locally, and
 * this TTL is added to whatever KV itself takes (nothing locally; KV's own propagation in
 * production). 250 ms spends a quarter of that budget, leaves the rest to the write path, and
 * already turns a hot entry's thousands of KV reads per second into four. Negative entries share
 * it: an unknown key reaches the API worker (and Postgres) at most four times a second per
 * isolate, and a key created just after a miss works within the same bound. 1,000 entries of
 * each kind bound the memory (prompts of a few KiB: a few MiB of the isolate's 128 MiB).
 */
export const PROJECTION_CACHE = { ttlMs: 250, maxEntries: 1_000 } as const;
