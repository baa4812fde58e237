/**
 * Ids minted on the client. A trace id is "tr_" + a lower-case ULID (10 Crockford base32
 * characters of millisecond time, then 16 random ones), as the edge mints them, so traces sort by
 * time wherever they come from. Event ids use the same shape with "ev_", unique per track() call,
 * so a retried batch is counted once. Random bytes come from a pool of 4 KiB refilled from
 * crypto.getRandomValues when used up: one call per 256 ids instead of one per id (the call
 * costs microseconds, more than the rest of a cached getPrompt).
 */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let used = POOL_BYTES;

function refill(): void {
  // Node 18 has no global `crypto` (19 and every other runtime do): Math.random stands in there.
  const webCrypto = (globalThis as { crypto?: { getRandomValues(array: Uint8Array): unknown } }).crypto;
  if (webCrypto?.getRandomValues) webCrypto.getRandomValues(pool);
  else for (let i = 0; i < POOL_BYTES; i++) pool[i] = Math.floor(Math.random() * 256);
  used = 0;
}

let timeMs = -1;
let timeText = "";

function ulid(): string {
  const now = Date.now();
  if (now !== timeMs) {
    // The time part changes once per millisecond: encoded once, not per id.
    let time = (timeMs = now);
    timeText = "";
    for (let i = 0; i < 10; i++) {
      timeText = ALPHABET[time % 32] + timeText;
      time = Math.floor(time / 32);
    }
  }
  if (used + 16 > POOL_BYTES) refill();
  let out = timeText;
  for (let i = 0; i < 16; i++) out += ALPHABET[pool[used++]! & 31];
  return out;
}

export const newTraceId = (): string => `tr_${ulid()}`;
export const newEventId = (): string => `ev_${ulid()}`;
