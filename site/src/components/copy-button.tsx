// Copies a value to the clipboard and says so (the label changes for two seconds).
import { createSignal } from "solid-js";

export function CopyButton(props: { value: string; label?: string }) {
  const [state, setState] = createSignal<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setState("copied");
    } catch {
      setState("failed");
    }
    setTimeout(() => setState("idle"), 2_000);
  };
  return (
    <button type="button" class="secondary small" onClick={() => void copy()} aria-live="polite">
      {state() === "copied" ? "Copied" : state() === "failed" ? "Copy failed: select and copy" : (props.label ?? "Copy")}
    </button>
  );
}
