/**
 * A sliding window counts the previous window's requests, weighted by how much of it still
 * overlaps and rounded down (@upstash/ratelimit), so a test whose requests straddle a window
 * boundary sees one request fewer counted. Windows are aligned to the Unix epoch; this picks a
 * window length (in seconds) whose next boundary is at least `marginSeconds` away, so a test
 * that counts exactly finishes inside one window however slow the machine.
 */
export function windowSecondsAwayFromBoundary(minimumSeconds: number, marginSeconds = 600): number {
  const now = Date.now();
  for (let seconds = Math.max(minimumSeconds, marginSeconds * 2); seconds <= 86_400; seconds++) {
    if (msLeftInWindow(seconds, now) >= marginSeconds * 1000) return seconds;
  }
  throw new Error(`no window of at least ${minimumSeconds} s keeps ${marginSeconds} s from its boundary`);
}

/**
 * For a test that counts against a policy's own window (its default, which it must not change):
 * when that window's next boundary is less than `marginSeconds` away, waits until it has passed,
 * so the counting runs inside one window. Waits at most `marginSeconds` (plus a moment).
 */
export async function awayFromWindowBoundary(windowSeconds: number, marginSeconds: number): Promise<void> {
  const left = msLeftInWindow(windowSeconds, Date.now());
  if (left < marginSeconds * 1000) await new Promise((resolve) => setTimeout(resolve, left + 200));
}

/** Milliseconds from `now` to the end of its epoch-aligned window of `windowSeconds`. */
function msLeftInWindow(windowSeconds: number, now: number): number {
  const windowMs = windowSeconds * 1000;
  return windowMs - (now % windowMs);
}
