/**
 * Timeouts of provider calls, ours rather than the SDKs' (theirs differ, and Gemini's also cuts
 * off a long stream): a streamed call must send something within `ms` of the request and of each
 * earlier part; a whole call must end within `ms`. Either way the request is aborted and the
 * call fails as a retryable "timeout".
 */
import type { LlmProvider } from "@xr2/db/schema";
import { ProviderError } from "./providers/provider-client.ts";

/** The iterator's next part, or a timeout error (aborting `controller`) after `ms` without one. */
export async function nextWithin<T>(iterator: AsyncIterator<T>, ms: number, controller: AbortController, provider: LlmProvider, what: string): Promise<IteratorResult<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ProviderError(provider, "timeout", `${what} within ${ms} ms`));
    }, ms);
  });
  const next = iterator.next();
  // After a timeout the aborted request rejects too; that rejection is expected and dropped.
  next.catch(() => undefined);
  try {
    return await Promise.race([next, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `call` with a signal that aborts after `ms`, failing as a timeout. */
export async function within<T>(ms: number, provider: LlmProvider, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  return nextWithin<T>({ next: async () => ({ done: false, value: await call(controller.signal) }) }, ms, controller, provider, "no answer").then((result) => result.value as T);
}
