// Create or edit an event definition: its name, category, description, and the fields events
// of that name must (required) or may (optional) carry, each with its type. The edge refuses
// events that miss a required field, carry an unknown one, or a value of the wrong type.
import { createEffect, createSignal, For, Index, on, Show } from "solid-js";
import { describeError } from "~/api/client";
import { createEventDefinition, EVENT_FIELD_TYPES, updateEventDefinition, type EventDefinition, type EventField, type EventFieldType } from "~/api/admin";
import { Dialog } from "~/components/dialog";
import { FormError, TextAreaField, TextField } from "~/components/field";

const MAX_FIELDS = 32;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const EVENT_NAME = /^[a-z0-9][a-z0-9_.:-]*$/;

function FieldsEditor(props: { legend: string; hint: string; fields: EventField[]; onChange: (fields: EventField[]) => void; addLabel: string }) {
  const update = (index: number, change: Partial<EventField>) => props.onChange(props.fields.map((field, at) => (at === index ? { ...field, ...change } : field)));
  return (
    <fieldset class="admin-fieldset">
      <legend>{props.legend}</legend>
      <p class="field-hint">{props.hint}</p>
      <Show when={props.fields.length > 0}>
        <ul class="event-fields">
          <Index each={props.fields}>
            {(field, index) => (
              <li class="event-field-row">
                <label class="event-field-name">
                  <span class="visually-hidden">
                    {props.legend}: name of field {index + 1}
                  </span>
                  <input
                    value={field().name}
                    placeholder="field_name"
                    maxLength={64}
                    spellcheck={false}
                    aria-invalid={field().name !== "" && !FIELD_NAME.test(field().name) ? "true" : undefined}
                    onInput={(event) => update(index, { name: event.currentTarget.value })}
                  />
                </label>
                <label class="event-field-type">
                  <span class="visually-hidden">
                    {props.legend}: type of field {index + 1}
                  </span>
                  <select value={field().type} onChange={(event) => update(index, { type: event.currentTarget.value as EventFieldType })}>
                    <For each={EVENT_FIELD_TYPES}>{(type) => <option value={type}>{type}</option>}</For>
                  </select>
                </label>
                <button type="button" class="icon-button" aria-label={`Remove ${props.legend.toLowerCase()} ${field().name || index + 1}`} onClick={() => props.onChange(props.fields.filter((_, at) => at !== index))}>
                  ×
                </button>
              </li>
            )}
          </Index>
        </ul>
      </Show>
      <div>
        <button type="button" class="secondary small" disabled={props.fields.length >= MAX_FIELDS} onClick={() => props.onChange([...props.fields, { name: "", type: "string" }])}>
          + {props.addLabel}
        </button>
      </div>
    </fieldset>
  );
}

/** The first problem the API would refuse, said before sending. */
function problemOf(name: string, required: EventField[], optional: EventField[]): string | null {
  if (!EVENT_NAME.test(name)) return "Event name: lower-case letters, digits, '_', '.', ':' or '-', starting with a letter or digit.";
  const all = [...required, ...optional];
  const bad = all.find((field) => !FIELD_NAME.test(field.name));
  if (bad) return bad.name ? `Field “${bad.name}”: letters, digits and '_', not starting with a digit.` : "Every field needs a name (or remove the empty row).";
  const seen = new Set<string>();
  for (const field of all) {
    if (seen.has(field.name)) return `Field “${field.name}” appears twice.`;
    seen.add(field.name);
  }
  return null;
}

export function EventDefinitionDialog(props: { open: boolean; editing: EventDefinition | null; categories: readonly string[]; onClose: () => void; onSaved: (definition: EventDefinition) => void }) {
  const [required, setRequired] = createSignal<EventField[]>([]);
  const [optional, setOptional] = createSignal<EventField[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  // The field lists are seeded each time the dialog opens (empty, or the edited definition's).
  createEffect(
    on([() => props.open, () => props.editing], ([open, editing]) => {
      if (!open) return;
      setRequired(editing?.required_fields.map((field) => ({ ...field })) ?? []);
      setOptional(editing?.optional_fields.map((field) => ({ ...field })) ?? []);
      setError(null);
    }),
  );
  const close = () => props.onClose();

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const eventName = String(form.get("event_name")).trim();
    const category = String(form.get("category")).trim();
    const description = String(form.get("description")).trim();
    const problem = problemOf(eventName, required(), optional());
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    const input = { event_name: eventName, category, description: description || null, required_fields: required(), optional_fields: optional() };
    try {
      const saved = props.editing ? await updateEventDefinition(props.editing.id, input) : await createEventDefinition(input);
      props.onSaved(saved);
      close();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={props.open}
      wide
      title={props.editing ? `Edit ${props.editing.event_name}` : "New event definition"}
      onClose={close}
      footer={
        <>
          <button type="button" class="secondary" onClick={close}>
            Cancel
          </button>
          <button type="submit" form="event-definition-form" disabled={busy()}>
            {busy() ? "Saving…" : props.editing ? "Save changes" : "Create definition"}
          </button>
        </>
      }
    >
      <form id="event-definition-form" class="stack" onSubmit={submit}>
        <div class="grid-2">
          <TextField
            label="Event name"
            name="event_name"
            required
            maxLength={64}
            spellcheck={false}
            value={props.editing?.event_name ?? ""}
            placeholder="checkout.completed"
            hint={props.editing ? "Renaming changes which events are validated: events under the old name are then accepted unvalidated." : "As your application sends it in event_name."}
          />
          <TextField label="Category" name="category" required maxLength={64} list="event-categories" value={props.editing?.category ?? ""} placeholder="conversion" hint="Free-form grouping, e.g. conversion or engagement." />
          <datalist id="event-categories">
            <For each={props.categories}>{(category) => <option value={category} />}</For>
          </datalist>
        </div>
        <TextAreaField label="Description" name="description" maxLength={1000} rows={2} value={props.editing?.description ?? ""} placeholder="When it is sent and what it means" />
        <div class="grid-2">
          <FieldsEditor legend="Required fields" hint="Every event of this name must carry these." fields={required()} onChange={setRequired} addLabel="Add required field" />
          <FieldsEditor legend="Optional fields" hint="It may carry these; any other field is refused." fields={optional()} onChange={setOptional} addLabel="Add optional field" />
        </div>
        <FormError message={error()} />
      </form>
    </Dialog>
  );
}
