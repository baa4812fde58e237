// The event types an endpoint subscribes to, one checkbox each with what the event means.
import { For } from "solid-js";
import { WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "~/api/webhooks";

export function EventCheckboxes(props: { selected: ReadonlySet<WebhookEventType>; onChange: (next: Set<WebhookEventType>) => void }) {
  const toggle = (type: WebhookEventType, on: boolean) => {
    const next = new Set(props.selected);
    if (on) next.add(type);
    else next.delete(type);
    props.onChange(next);
  };
  const all = () => props.selected.size === WEBHOOK_EVENT_TYPES.length;
  return (
    <fieldset class="admin-fieldset">
      <legend>Events</legend>
      <label class="checkbox-field">
        <input type="checkbox" checked={all()} onChange={(event) => props.onChange(new Set(event.currentTarget.checked ? WEBHOOK_EVENT_TYPES : []))} />
        <span>All events</span>
      </label>
      <For each={WEBHOOK_EVENT_TYPES}>
        {(type) => (
          <label class="checkbox-field">
            <input type="checkbox" checked={props.selected.has(type)} onChange={(event) => toggle(type, event.currentTarget.checked)} />
            <span>
              <code>{type}</code> <span class="muted small">— {WEBHOOK_EVENT_DESCRIPTIONS[type]}</span>
            </span>
          </label>
        )}
      </For>
    </fieldset>
  );
}

/** The events in the contract's order, as the API wants them. */
export const orderedEvents = (selected: ReadonlySet<WebhookEventType>): WebhookEventType[] => WEBHOOK_EVENT_TYPES.filter((type) => selected.has(type));
