// A list the API hands out a page at a time (`next_cursor`): the first page loads again whenever
// `deps` change (the list shows "loading" meanwhile), "Load more" appends the next page, an answer
// that a newer load has overtaken is dropped, and the error is kept for the page to show with a
// retry that repeats what failed (the first page, or the next one). The items can be edited in
// place (a row replaced or removed after an action) with `setItems`.
import { createEffect, createSignal, on, type Accessor, type Setter } from "solid-js";

export interface CursorList<T, P = unknown> {
  items: Accessor<T[]>;
  setItems: Setter<T[]>;
  /** The cursor of the next page; null when every page is loaded. */
  cursor: Accessor<string | null>;
  /** The last page the list took (for what else the API answers along with the items). */
  page: Accessor<P | undefined>;
  /** False until the first page after the last change of `deps` has arrived. */
  loaded: Accessor<boolean>;
  loading: Accessor<boolean>;
  error: Accessor<unknown>;
  loadMore: () => Promise<void>;
  /** Loads the first page again, keeping the rows on screen until it arrives. */
  reload: () => Promise<void>;
  /** For the error's "Try again": the first page if it never arrived, else the next one. */
  retry: () => Promise<void>;
}

export function createCursorList<P extends { next_cursor: string | null }, T>(options: {
  /** Read inside a tracking scope: any change starts again from the first page. */
  deps: () => unknown;
  /** While false nothing loads and a change of `deps` is ignored (it is watched like `deps`). */
  enabled?: () => boolean;
  fetchPage: (cursor: string | null) => Promise<P>;
  /** The rows of a page (`page.users`, `page.runs`…). */
  items: (page: P) => T[];
}): CursorList<T, P> {
  const [items, setItems] = createSignal<T[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [page, setPage] = createSignal<P | undefined>();
  const [loaded, setLoaded] = createSignal(false);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const enabled = options.enabled ?? (() => true);

  let generation = 0;
  const load = async (reset: boolean) => {
    const mine = ++generation;
    if (!enabled()) return;
    setLoading(true);
    setError(null);
    try {
      const next = await options.fetchPage(reset ? null : cursor());
      if (mine !== generation) return;
      setItems(reset ? options.items(next) : [...items(), ...options.items(next)]);
      setCursor(next.next_cursor);
      setPage(() => next);
      setLoaded(true);
    } catch (caught) {
      if (mine === generation) setError(caught);
    } finally {
      if (mine === generation) setLoading(false);
    }
  };
  createEffect(
    on([options.deps, enabled], () => {
      if (!enabled()) return;
      setLoaded(false);
      void load(true);
    }),
  );

  return {
    items,
    setItems,
    cursor,
    page,
    loaded,
    loading,
    error,
    loadMore: () => load(false),
    reload: () => load(true),
    retry: () => load(!loaded()),
  };
}
