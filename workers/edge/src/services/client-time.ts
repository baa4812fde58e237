/**
 * A time a client states (an event's timestamp, the moment an SDK served a prompt): why it is
 * refused, or null when it lies within PRODUCT_API_LIMITS' window around the edge's clock.
 */
import { PRODUCT_API_LIMITS } from "@xr2/shared";

const DAY_MS = 24 * 3600 * 1000;

export function clientTimeProblem(field: string, time: Date, now: Date): string | null {
  const ageMs = now.getTime() - time.getTime();
  if (Number.isNaN(ageMs)) return `${field}: not a valid time`;
  if (ageMs > PRODUCT_API_LIMITS.eventMaxAgeDays * DAY_MS) return `${field}: more than ${PRODUCT_API_LIMITS.eventMaxAgeDays} days in the past`;
  if (-ageMs > PRODUCT_API_LIMITS.eventMaxFutureSeconds * 1000) return `${field}: more than ${PRODUCT_API_LIMITS.eventMaxFutureSeconds / 3600} hours in the future`;
  return null;
}
