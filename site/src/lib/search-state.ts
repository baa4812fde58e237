// A page's filters kept in the address (?status=archived&q=welcome): a reload, a shared link and
// the back button bring them back. Setting one replaces the history entry (typing in a search box
// adds no entries); the empty value (or the default) removes the parameter. Several filters that
// change together are set in one call (two calls in a row could each start from the old address).
import { useSearchParams } from "@solidjs/router";

export interface SearchState {
  /** `const [status, setStatus] = param("status", "active")`. */
  param(name: string, fallback?: string): [() => string, (value: string) => void];
  /** Sets several parameters at once; "" or undefined removes one. */
  set(values: Record<string, string | undefined>): void;
}

/** Call once in a page's component. */
export function useSearchState(): SearchState {
  const [search, setSearch] = useSearchParams<Record<string, string>>();
  const defaults = new Map<string, string>();
  const set = (values: Record<string, string | undefined>) => {
    const next: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(values)) next[name] = value === undefined || value === "" || value === defaults.get(name) ? undefined : value;
    setSearch(next, { replace: true });
  };
  return {
    param(name, fallback = "") {
      defaults.set(name, fallback);
      const read = () => {
        const value = search[name];
        return typeof value === "string" ? value : fallback;
      };
      return [read, (value: string) => set({ [name]: value })];
    },
    set,
  };
}
