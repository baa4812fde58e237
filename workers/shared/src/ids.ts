/**
 * Identifiers. Every id carries a short type prefix so a log line or a support ticket says what
 * it points at, and a ULID body so ids sort by creation time (trace ids are range-scanned).
 */
import { monotonicFactory } from "ulidx";

/**
 * Random numbers in [0, 1) for ulidx, from a pool of random bytes refilled 256 at a time. The
 * library's own source asks `crypto.getRandomValues` for one byte per character (16 calls an
 * id, two ids per get-prompt); here 8 byte values map onto each of the 32 ULID characters, as
 * they do in the library. The pool fills lazily, so nothing random runs at module scope
 * (workerd refuses that).
 */
const pool = new Uint8Array(256);
let poolIndex = pool.length;
function pooledRandom(): number {
  if (poolIndex === pool.length) {
    crypto.getRandomValues(pool);
    poolIndex = 0;
  }
  return pool[poolIndex++]! / 256;
}

// Monotonic within an isolate: two ids made in the same millisecond still sort in creation order.
const ulid = monotonicFactory(pooledRandom);

export const ID_PREFIX = {
  user: "usr",
  workspace: "ws",
  member: "mem",
  invitation: "inv",
  prompt: "pr",
  version: "pv",
  deployment: "dep",
  approval: "apr",
  tag: "tag",
  apiKey: "key",
  accessToken: "at",
  eventDefinition: "evd",
  event: "evt",
  trace: "tr",
  experiment: "exp",
  variant: "var",
  audit: "aud",
  refreshToken: "rt",
  accountToken: "atk",
  oauthAccount: "oa",
  providerKey: "pk",
  usage: "use",
  webhook: "wh",
  /** A webhook event in the outbox; "msg_" as Standard Webhooks suggests for webhook-id. */
  webhookEvent: "msg",
  webhookDelivery: "whd",
  webhookAttempt: "wha",
  deadLetter: "dl",
  aggregationRun: "agr",
  request: "req",
  requestLog: "rlog",
  alertRule: "alr",
  alertEvent: "ale",
  scheduledDeployment: "sdep",
} as const;

export type IdKind = keyof typeof ID_PREFIX;

export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${ID_PREFIX[kind]}_${ulid(now).toLowerCase()}`;
}
