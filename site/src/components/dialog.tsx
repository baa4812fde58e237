// A modal dialog on the native <dialog> element: focus moves in and is trapped by the browser,
// Escape closes, the title labels it. Open it by setting `open`.
import { createEffect, createUniqueId, Show, type JSX } from "solid-js";

export function Dialog(props: { open: boolean; title: string; onClose: () => void; children: JSX.Element; footer?: JSX.Element; wide?: boolean }) {
  let element: HTMLDialogElement | undefined;
  const titleId = createUniqueId();
  createEffect(() => {
    if (!element) return;
    if (props.open && !element.open) element.showModal();
    if (!props.open && element.open) element.close();
  });
  return (
    <dialog
      ref={element}
      class="dialog"
      classList={{ wide: props.wide }}
      aria-labelledby={titleId}
      // The close event arrives a task later: after a close the page asked for (open went false),
      // or after the page already re-opened the dialog, it must not close it again.
      onClose={() => {
        if (props.open && !element?.open) props.onClose();
      }}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <Show when={props.open}>
        <header class="dialog-head">
          <h2 id={titleId}>{props.title}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={() => props.onClose()}>
            ×
          </button>
        </header>
        <div class="dialog-body">{props.children}</div>
        <Show when={props.footer}>
          <footer class="dialog-foot">{props.footer}</footer>
        </Show>
      </Show>
    </dialog>
  );
}

/**
 * The footer of a dialog that creates something with a secret shown once (API keys, access
 * tokens, webhook secrets): Cancel and the submit button of `form` until it is created, then only
 * the button that closes it once the secret is copied.
 */
export function CreateOnceFooter(props: { created: boolean; form: string; busy: boolean; submit: string; submitting: string; copied: string; onClose: () => void }) {
  return (
    <Show
      when={props.created}
      fallback={
        <>
          <button type="button" class="secondary" onClick={() => props.onClose()}>
            Cancel
          </button>
          <button type="submit" form={props.form} disabled={props.busy}>
            {props.busy ? props.submitting : props.submit}
          </button>
        </>
      }
    >
      <button type="button" onClick={() => props.onClose()}>
        {props.copied}
      </button>
    </Show>
  );
}
