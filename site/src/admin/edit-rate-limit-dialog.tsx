// An Admin changes a key's own rate limit (or drops it for the workspace's); the edge applies the
// change within a second.
import { createEffect, createSignal } from "solid-js";
import { describeError } from "~/api/client";
import { updateApiKey, type ApiKey } from "~/api/admin";
import { Dialog } from "~/components/dialog";
import { FormError } from "~/components/field";
import { notify } from "~/components/toasts";
import { createRateLimitState, describeRateLimit, RateLimitFields } from "./rate-limit-fields";

export function EditRateLimitDialog(props: { apiKey: ApiKey | null; onClose: () => void; onSaved: () => void }) {
  const state = createRateLimitState();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  createEffect(() => {
    state.reset(props.apiKey?.rate_limit ?? null);
    setError(null);
  });

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const key = props.apiKey;
    if (!key) return;
    const limit = state.value();
    if (!limit.ok) return setError(limit.error);
    setBusy(true);
    setError(null);
    try {
      const updated = await updateApiKey(key.id, { rate_limit: limit.rateLimit });
      notify(`“${updated.name}”: ${describeRateLimit(updated.rate_limit)}`);
      props.onSaved();
      props.onClose();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={props.apiKey !== null}
      title="Change rate limit"
      onClose={props.onClose}
      footer={
        <>
          <button type="button" class="secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" form="edit-rate-limit-form" disabled={busy()}>
            {busy() ? "Saving…" : "Save"}
          </button>
        </>
      }
    >
      <form id="edit-rate-limit-form" class="stack" onSubmit={submit}>
        <p>
          Rate limit of <strong>{props.apiKey?.name}</strong> (<code>{props.apiKey?.prefix}…</code>). Applications using it see the change within a second.
        </p>
        <RateLimitFields state={state} />
        <FormError message={error()} />
      </form>
    </Dialog>
  );
}
