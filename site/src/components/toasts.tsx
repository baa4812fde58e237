// Short confirmations and failures of actions ("Version 3 published"), announced politely to
// screen readers and gone after a few seconds; errors stay until dismissed.
import { createSignal, For } from "solid-js";

interface Toast {
  id: number;
  kind: "success" | "error" | "info";
  text: string;
}

const [toasts, setToasts] = createSignal<Toast[]>([]);
let nextId = 1;

export function notify(text: string, kind: Toast["kind"] = "success"): void {
  const id = nextId++;
  setToasts((list) => [...list.slice(-4), { id, kind, text }]);
  if (kind !== "error") setTimeout(() => dismiss(id), 5_000);
}

function dismiss(id: number): void {
  setToasts((list) => list.filter((toast) => toast.id !== id));
}

export function ToastRegion() {
  return (
    <div class="toasts" role="status" aria-live="polite">
      <For each={toasts()}>
        {(toast) => (
          <div class="toast" data-kind={toast.kind}>
            <span>{toast.text}</span>
            <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
              ×
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
