// A question before an action that cannot be taken back (remove, revoke, transfer): says what
// will happen, shows the API's answer when it fails, and keeps the dialog open until it succeeds.
import { createSignal, type JSX } from "solid-js";
import { describeError } from "~/api/client";
import { Dialog } from "~/components/dialog";
import { FormError } from "~/components/field";

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: JSX.Element;
  confirmLabel: string;
  /** The confirm button is red: the action destroys or takes away something. */
  danger?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const close = () => {
    if (busy()) return;
    setError(null);
    props.onClose();
  };
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      setBusy(false);
      close();
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={props.open}
      title={props.title}
      onClose={close}
      footer={
        <>
          <button type="button" class="secondary" onClick={close} disabled={busy()}>
            Cancel
          </button>
          <button type="button" classList={{ danger: props.danger }} onClick={() => void confirm()} disabled={busy()}>
            {busy() ? "Working…" : props.confirmLabel}
          </button>
        </>
      }
    >
      <div class="stack">
        {props.children}
        <FormError message={error()} />
      </div>
    </Dialog>
  );
}
