// Loads data for a panel from a reactive source without Suspense: the previous answer stays on
// screen while the next one loads (no flashing when a filter or a poll changes), a stale answer
// never overwrites a newer one, and the error is kept for the panel to show.
import { createEffect, createSignal, on, type Accessor } from "solid-js";

export interface Query<T> {
  data: Accessor<T | undefined>;
  error: Accessor<unknown>;
  loading: Accessor<boolean>;
  /** Loads again with the current source; `quiet` keeps an error from replacing the data (polls). */
  refetch: (quiet?: boolean) => Promise<void>;
}

export function createQuery<S, T>(source: Accessor<S | null | undefined | false>, fetcher: (source: S) => Promise<T>): Query<T> {
  const [data, setData] = createSignal<T | undefined>();
  const [error, setError] = createSignal<unknown>(null);
  const [loading, setLoading] = createSignal(false);
  let generation = 0;
  const run = async (quiet = false) => {
    const current = source();
    if (current === null || current === undefined || current === false) return;
    const mine = ++generation;
    setLoading(true);
    try {
      const value = await fetcher(current);
      if (mine !== generation) return;
      setData(() => value);
      setError(null);
    } catch (caught) {
      if (mine === generation && !(quiet && data() !== undefined)) setError(caught);
    } finally {
      if (mine === generation) setLoading(false);
    }
  };
  createEffect(on(() => JSON.stringify(source()), () => void run()));
  return { data, error, loading, refetch: run };
}
