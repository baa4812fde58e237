// Create a webhook or Slack endpoint: URL, kind, description and the events it wants. The API
// answers the signing secret once; the dialog then shows it with a copy button, and it is gone
// when the dialog closes.
import { createSignal, Show } from "solid-js";
import { describeError } from "~/api/client";
import { createWebhook, type WebhookEventType, type WebhookKind, type WebhookWithSecret } from "~/api/webhooks";
import { CreateOnceFooter, Dialog } from "~/components/dialog";
import { FormError, SelectField, TextField } from "~/components/field";
import { EventCheckboxes, orderedEvents } from "./event-checkboxes";
import { SecretOnce } from "./secret-once";

const DEFAULT_EVENTS: WebhookEventType[] = ["version.published", "version.rolled_back"];

export function CreateWebhookDialog(props: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const [kind, setKind] = createSignal<WebhookKind>("standard");
  const [events, setEvents] = createSignal<Set<WebhookEventType>>(new Set(DEFAULT_EVENTS));
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [created, setCreated] = createSignal<WebhookWithSecret | null>(null);

  const close = () => {
    setKind("standard");
    setEvents(new Set(DEFAULT_EVENTS));
    setError(null);
    setCreated(null);
    props.onClose();
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    if (events().size === 0) return setError("Choose at least one event.");
    const description = String(form.get("description") ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      setCreated(await createWebhook({ url: String(form.get("url")).trim(), kind: kind(), events: orderedEvents(events()), ...(description ? { description } : {}) }));
      props.onCreated();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={props.open}
      title={created() ? "Copy the signing secret" : "Add endpoint"}
      onClose={close}
      wide
      footer={<CreateOnceFooter created={Boolean(created())} form="create-webhook-form" busy={busy()} submit="Add endpoint" submitting="Adding…" copied="I have copied the secret" onClose={close} />}
    >
      <Show
        when={created()}
        fallback={
          <form id="create-webhook-form" class="stack" onSubmit={submit}>
            <SelectField label="Kind" value={kind()} onChange={(event) => setKind(event.currentTarget.value as WebhookKind)}>
              <option value="standard">Webhook (signed JSON)</option>
              <option value="slack">Slack (incoming webhook)</option>
            </SelectField>
            <TextField
              label="URL"
              name="url"
              type="url"
              required
              maxLength={2048}
              placeholder={kind() === "slack" ? "https://hooks.slack.com/services/…" : "https://hooks.example.com/xr2"}
              hint={kind() === "slack" ? "The incoming-webhook URL Slack gave you; each event arrives as a readable message." : "An https address on the public internet; each event is POSTed as JSON, signed."}
            />
            <TextField label="Description" name="description" maxLength={500} placeholder="Deploy notifications for the ops channel" />
            <EventCheckboxes selected={events()} onChange={setEvents} />
            <FormError message={error()} />
          </form>
        }
      >
        {(webhook) => (
          <SecretOnce secret={webhook().secret}>
            <dl class="key-value">
              <dt>URL</dt>
              <dd class="webhook-url">{webhook().url}</dd>
              <dt>Events</dt>
              <dd>{webhook().events.join(", ")}</dd>
            </dl>
          </SecretOnce>
        )}
      </Show>
    </Dialog>
  );
}
