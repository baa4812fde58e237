/**
 * Ids minted on the client. A trace id is "tr_" + a lower-case ULID (10 Crockford base32
 * characters of millisecond time, then 16 random ones), as the edge mints them, so traces sort by
 * time wherever they come from. Event ids use the same shape with "ev_", unique per track() call,
 * so a retried batch is counted once. Random bytes come from a pool of 16 KiB (1024 ids) refilled
 * from crypto.getRandomValues: one call costs microseconds, more than the rest of a cached
 * getPrompt, so the delivery queues top it up in their background turns before each batch (every
 * ≤ 100 queued ids) once half of it is used, and an id waits for a refill only when 512 ids were
 * minted between two batches. Topping up only past half keeps the random bytes made per id at
 * most twice what the ids use.
 */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const POOL_BYTES = 16_384;
const pool = new Uint8Array(POOL_BYTES);
let used = POOL_BYTES;

function refill(): void {
  // Node 18 has no global `crypto` (19 and every other runtime do): Math.random stands in there.
  const webCrypto = (globalThis as { crypto?: { getRandomValues(array: Uint8Array): unknown } }).crypto;
  if (webCrypto?.getRandomValues) webCrypto.getRandomValues(pool);
  else for (let i = 0; i < POOL_BYTES; i++) pool[i] = Math.floor(Math.random() * 256);
  used = 0;
}

export function topUp(): void {
  if (used > POOL_BYTES / 2) refill();
}

let timeMs = -1;
/** One id's character codes: the prefix's three, the millisecond's ten (kept while it lasts), sixteen random. */
const codes: number[] = new Array(29).fill(0);

/**
 * prefix + ULID as one flat string from a single String.fromCharCode: appending the characters one
 * by one would leave a tree of ~17 string objects per id in the heap, and every id an exposure
 * keeps until its batch is sent would cost the garbage collector that much more.
 */
function ulid(prefix: string): string {
  const now = Date.now();
  if (now !== timeMs) {
    let time = (timeMs = now);
    for (let i = 12; i > 2; i--) {
      codes[i] = ALPHABET.charCodeAt(time % 32);
      time = Math.floor(time / 32);
    }
  }
  if (used + 16 > POOL_BYTES) refill();
  for (let i = 0; i < 3; i++) codes[i] = prefix.charCodeAt(i);
  for (let i = 13; i < 29; i++) codes[i] = ALPHABET.charCodeAt(pool[used++]! & 31);
  return String.fromCharCode.apply(null, codes);
}

export const newTraceId = (): string => ulid("tr_");
export const newEventId = (): string => ulid("ev_");
