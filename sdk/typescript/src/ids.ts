/**
 * Ids minted on the client. A trace id is "tr_" + a lower-case ULID (10 Crockford base32
 * characters of millisecond time, then 16 random ones), as the edge mints them, so traces sort by
 * time wherever they come from. Event ids use the same shape with "ev_", unique per track() call,
 * so a retried batch is counted once.
 */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function ulid(): string {
  let time = Date.now();
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[time % 32] + out;
    time = Math.floor(time / 32);
  }
  const random = new Uint8Array(16);
  // Node 18 has no global `crypto` (19 and every other runtime do): Math.random stands in there.
  const webCrypto = (globalThis as { crypto?: { getRandomValues(array: Uint8Array): unknown } }).crypto;
  if (webCrypto?.getRandomValues) webCrypto.getRandomValues(random);
  else for (let i = 0; i < 16; i++) random[i] = Math.floor(Math.random() * 256);
  for (const byte of random) out += ALPHABET[byte & 31];
  return out;
}

export const newTraceId = (): string => `tr_${ulid()}`;
export const newEventId = (): string => `ev_${ulid()}`;
