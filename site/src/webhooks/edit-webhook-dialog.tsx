// Change an endpoint: its description, the events it wants, and whether it is active. Turning a
// disabled endpoint back on resets its failure count (the API does).
import { createEffect, createSignal, Show } from "solid-js";
import { describeError } from "~/api/client";
import { updateWebhook, type Webhook, type WebhookEventType } from "~/api/webhooks";
import { Dialog } from "~/components/dialog";
import { FormError, TextField } from "~/components/field";
import { EventCheckboxes, orderedEvents } from "./event-checkboxes";

export function EditWebhookDialog(props: { webhook: Webhook | null; onClose: () => void; onSaved: (webhook: Webhook) => void }) {
  const [events, setEvents] = createSignal<Set<WebhookEventType>>(new Set());
  const [active, setActive] = createSignal(true);
  const [description, setDescription] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  // Each opening starts from the endpoint as it is.
  createEffect(() => {
    const webhook = props.webhook;
    if (!webhook) return;
    setEvents(new Set(webhook.events as WebhookEventType[]));
    setActive(webhook.active);
    setDescription(webhook.description ?? "");
    setError(null);
  });

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const webhook = props.webhook!;
    if (events().size === 0) return setError("Choose at least one event.");
    setBusy(true);
    setError(null);
    try {
      props.onSaved(await updateWebhook(webhook.id, { events: orderedEvents(events()), active: active(), description: description().trim() || null }));
      props.onClose();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={props.webhook !== null}
      title="Edit endpoint"
      onClose={props.onClose}
      wide
      footer={
        <>
          <button type="button" class="secondary" onClick={() => props.onClose()}>
            Cancel
          </button>
          <button type="submit" form="edit-webhook-form" disabled={busy()}>
            {busy() ? "Saving…" : "Save"}
          </button>
        </>
      }
    >
      <form id="edit-webhook-form" class="stack" onSubmit={submit}>
        <p class="webhook-url">
          <code>{props.webhook?.url}</code>
        </p>
        <TextField label="Description" maxLength={500} value={description()} onInput={(event) => setDescription(event.currentTarget.value)} />
        <label class="checkbox-field">
          <input type="checkbox" checked={active()} onChange={(event) => setActive(event.currentTarget.checked)} />
          <span>Active: send events to this endpoint</span>
        </label>
        <Show when={props.webhook?.disabled_reason && !props.webhook.active}>
          <p class="field-hint">xR2 turned it off: {props.webhook?.disabled_reason}. Turning it back on resets its failure count.</p>
        </Show>
        <EventCheckboxes selected={events()} onChange={setEvents} />
        <FormError message={error()} />
      </form>
    </Dialog>
  );
}
