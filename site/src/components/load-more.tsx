// The footer of a list loaded a page at a time: "Load more" while the API has another page, else
// (when `noun` is given) how many rows there are, e.g. "12 users." or "1 request, all that are kept."
import { Show } from "solid-js";
import type { CursorList } from "~/lib/cursor-list";

export function LoadMore(props: {
  list: Pick<CursorList<unknown>, "items" | "cursor" | "loading" | "loadMore">;
  /** Singular and plural, for the count shown once every page is loaded. */
  noun?: [string, string];
  /** Follows the count, before the full stop. */
  note?: string;
}) {
  const count = () => props.list.items().length;
  const total = () => props.noun && <p class="muted small">{count() === 1 ? `1 ${props.noun[0]}` : `${count()} ${props.noun[1]}`}{props.note ?? ""}.</p>;
  return (
    <div class="load-more">
      <Show when={props.list.cursor()} fallback={total()}>
        <button type="button" class="secondary" onClick={() => void props.list.loadMore()} disabled={props.list.loading()}>
          {props.list.loading() ? "Loading…" : "Load more"}
        </button>
      </Show>
    </div>
  );
}
