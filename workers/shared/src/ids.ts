/**
 * Identifiers. Every id carries a short type prefix so a log line or a support ticket says what
 * it points at, and a ULID body so ids sort by creation time (trace ids are range-scanned).
 */
import { monotonicFactory } from "ulidx";

// Monotonic within an isolate: two ids made in the same millisecond still sort in creation order.
const ulid = monotonicFactory();

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
  eventDefinition: "evd",
  event: "evt",
  trace: "tr",
  experiment: "exp",
  variant: "var",
  audit: "aud",
  refreshToken: "rt",
  oauthAccount: "oa",
  providerKey: "pk",
  usage: "use",
  webhook: "wh",
  deadLetter: "dl",
  request: "req",
} as const;

export type IdKind = keyof typeof ID_PREFIX;

export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${ID_PREFIX[kind]}_${ulid(now).toLowerCase()}`;
}
