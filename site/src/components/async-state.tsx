// The three states every data view has besides "here is the data": loading, failed (with the
// API's message, its request id and a retry), and empty (what to do next), and AsyncView, which
// chooses among them and the data so that pages do not repeat it.
import { type Accessor, type JSX, type Resource, Show } from "solid-js";
import { ApiRequestError, describeError } from "~/api/client";
import type { Query } from "~/analytics/create-query";
import type { CursorList } from "~/lib/cursor-list";

export function Loading(props: { label?: string }) {
  return (
    <div class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      <span>{props.label ?? "Loading…"}</span>
    </div>
  );
}

export function ErrorNotice(props: { error: unknown; title?: string; onRetry?: () => void }) {
  const requestId = () => (props.error instanceof ApiRequestError ? props.error.requestId : null);
  return (
    <div class="state state-error" role="alert">
      <p class="state-title">{props.title ?? "Something went wrong"}</p>
      <p>{describeError(props.error)}</p>
      <Show when={requestId()}>
        <p class="muted small">
          Request id: <code>{requestId()}</code>
        </p>
      </Show>
      <Show when={props.onRetry}>
        <button type="button" class="secondary" onClick={() => props.onRetry?.()}>
          Try again
        </button>
      </Show>
    </div>
  );
}

export function EmptyState(props: { title: string; children?: JSX.Element; action?: JSX.Element }) {
  return (
    <div class="state state-empty">
      <p class="state-title">{props.title}</p>
      <Show when={props.children}>
        <div class="muted">{props.children}</div>
      </Show>
      <Show when={props.action}>
        <div class="state-action">{props.action}</div>
      </Show>
    </div>
  );
}

/**
 * The one way a page shows what it loads, in place of repeating the three states: the error (the
 * API's message, its request id and a retry), a spinner until the data first arrives, the empty
 * state when there is nothing, else `children` with the data. From a resource (a failure hides
 * the data), a query (analytics/create-query.ts, likewise) or a cursor list (rows already shown stay
 * under a failed "Load more"; the retry repeats what failed).
 */
export function AsyncView<T>(
  props: {
    /** The spinner's words, e.g. "Loading runs…". */
    loading?: string;
    /** The error's heading, e.g. "The runs could not be loaded". */
    errorTitle?: string;
    /** What "Try again" does (a resource's refetch; a list or a query retries by itself). */
    onRetry?: () => void;
    /** Shown instead of `children` when the data is empty (by default: an empty list); without it, empty data is shown as data. */
    empty?: JSX.Element;
    isEmpty?: (data: NonNullable<T>) => boolean;
    /** The data's view: elements, or a function of the data. */
    children: JSX.Element | ((data: Accessor<NonNullable<T>>) => JSX.Element);
  } & (
    | { resource: Resource<T>; list?: never; query?: never }
    | { list: Pick<CursorList<unknown>, "items" | "loaded" | "error" | "retry">; resource?: never; query?: never }
    | { query: Pick<Query<T>, "data" | "error" | "refetch">; resource?: never; list?: never }
  ),
) {
  const error = (): unknown => (props.list ? props.list.error() : props.query ? props.query.error() : props.resource?.error);
  const data = (): T | undefined => {
    if (props.list) return props.list.loaded() ? (props.list.items() as T) : undefined;
    if (props.query) return props.query.error() ? undefined : props.query.data();
    return props.resource?.error ? undefined : props.resource?.latest;
  };
  // Without an empty state, empty data is shown as it is.
  const isEmpty = (value: NonNullable<T>) => (props.isEmpty ? props.isEmpty(value) : "empty" in props && Array.isArray(value) && value.length === 0);
  const retry = () => (props.onRetry ? props.onRetry() : void (props.list ? props.list.retry() : props.query?.refetch()));
  return (
    <>
      <Show when={error()}>
        <ErrorNotice error={error()} title={props.errorTitle} onRetry={props.onRetry || props.list || props.query ? retry : undefined} />
      </Show>
      <Show when={data()} fallback={<Show when={!error()}>{<Loading label={props.loading} />}</Show>}>
        {(value) => (
          <Show when={!isEmpty(value())} fallback={<Show when={!error()}>{props.empty}</Show>}>
            {(() => {
              const view = props.children;
              return typeof view === "function" && view.length > 0 ? (view as (data: Accessor<NonNullable<T>>) => JSX.Element)(value) : (view as JSX.Element);
            })()}
          </Show>
        )}
      </Show>
    </>
  );
}
