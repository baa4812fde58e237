// The three states every data view has besides "here is the data": loading, failed (with the
// API's message, its request id and a retry), and empty (what to do next).
import { Show, type JSX } from "solid-js";
import { ApiRequestError, describeError } from "~/api/client";

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
