// Replies in Upstash's JSON shape. ioredis and ioredis-mock turn some replies into objects
// (HGETALL, XINFO, …) while Upstash answers the flat RESP array; and with `Upstash-Encoding:
// base64` (the @upstash/redis default) every string is base64-encoded, except the status "OK".

/** Objects back to flat field/value arrays, nested errors to their message, recursively. */
export function toUpstashValue(reply: unknown): unknown {
  if (reply === undefined) return null;
  if (reply instanceof Error) return reply.message;
  if (Array.isArray(reply)) return reply.map(toUpstashValue);
  if (typeof reply === "object" && reply !== null) {
    return Object.entries(reply).flat().map(toUpstashValue);
  }
  return reply;
}

/** For a result after `toUpstashValue`; errors stay plain text, as Upstash sends them. */
export function base64Encoded(value: unknown): unknown {
  if (typeof value === "string") {
    return value === "OK" ? value : Buffer.from(value, "utf8").toString("base64");
  }
  return Array.isArray(value) ? value.map(base64Encoded) : value;
}
