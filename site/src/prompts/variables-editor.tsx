// The variables schema of a version (name, type, required, default, enum values) and its model
// settings, as editable rows; read-only for Viewers and for versions out of draft.
import { For, Index, Show } from "solid-js";
import type { VariableType } from "~/api/prompts";
import { SelectField, TextField } from "~/components/field";
import { newVariable, type ModelForm, type VariableRow } from "./draft";

const TYPES: VariableType[] = ["string", "number", "boolean", "enum"];

export function VariablesEditor(props: {
  rows: VariableRow[];
  onChange: (rows: VariableRow[]) => void;
  problems: ReadonlyMap<number, string>;
  /** Used in the template but not declared: offered as one-click additions. */
  undeclared: readonly string[];
  readOnly: boolean;
}) {
  const update = (key: number, patch: Partial<VariableRow>) => props.onChange(props.rows.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  return (
    <div class="stack variables-editor">
      <Show when={props.rows.length > 0} fallback={<p class="muted small">No variables declared. Write <code>{"{name}"}</code> in the template, then declare it here to type it and make it required.</p>}>
        <div class="table-scroll">
          <table class="variables-table">
            <caption class="visually-hidden">Variables</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Required</th>
                <th scope="col">Default</th>
                <th scope="col">Enum values</th>
                <Show when={!props.readOnly}>
                  <th scope="col">
                    <span class="visually-hidden">Remove</span>
                  </th>
                </Show>
              </tr>
            </thead>
            <tbody>
              <Index each={props.rows}>
                {(row, index) => (
                  <>
                    <tr data-invalid={props.problems.has(row().key) ? "true" : undefined}>
                      <td>
                        <input
                          aria-label={`Variable ${index + 1} name`}
                          value={row().name}
                          disabled={props.readOnly}
                          maxLength={64}
                          placeholder="name"
                          onChange={(event) => update(row().key, { name: event.currentTarget.value.trim() })}
                        />
                      </td>
                      <td>
                        <select aria-label={`Variable ${index + 1} type`} value={row().type} disabled={props.readOnly} onChange={(event) => update(row().key, { type: event.currentTarget.value as VariableType })}>
                          <For each={TYPES}>{(type) => <option value={type}>{type}</option>}</For>
                        </select>
                      </td>
                      <td class="center">
                        <input type="checkbox" aria-label={`Variable ${index + 1} required`} checked={row().required} disabled={props.readOnly} onChange={(event) => update(row().key, { required: event.currentTarget.checked })} />
                      </td>
                      <td>
                        <Show
                          when={row().type === "boolean"}
                          fallback={
                            <input aria-label={`Variable ${index + 1} default`} value={row().defaultValue} disabled={props.readOnly} placeholder="none" onChange={(event) => update(row().key, { defaultValue: event.currentTarget.value })} />
                          }
                        >
                          <select aria-label={`Variable ${index + 1} default`} value={row().defaultValue} disabled={props.readOnly} onChange={(event) => update(row().key, { defaultValue: event.currentTarget.value })}>
                            <option value="">none</option>
                            <option value="true">true</option>
                            <option value="false">false</option>
                          </select>
                        </Show>
                      </td>
                      <td>
                        <input
                          aria-label={`Variable ${index + 1} enum values`}
                          value={row().values}
                          disabled={props.readOnly || row().type !== "enum"}
                          placeholder={row().type === "enum" ? "a, b, c" : "–"}
                          onChange={(event) => update(row().key, { values: event.currentTarget.value })}
                        />
                      </td>
                      <Show when={!props.readOnly}>
                        <td>
                          <button type="button" class="icon-button" aria-label={`Remove variable ${row().name || index + 1}`} onClick={() => props.onChange(props.rows.filter((other) => other.key !== row().key))}>
                            ×
                          </button>
                        </td>
                      </Show>
                    </tr>
                    <Show when={props.problems.get(row().key)}>
                      <tr class="problem-row">
                        <td colSpan={props.readOnly ? 5 : 6} class="field-error">
                          {row().name || `Variable ${index + 1}`}: {props.problems.get(row().key)}
                        </td>
                      </tr>
                    </Show>
                  </>
                )}
              </Index>
            </tbody>
          </table>
        </div>
      </Show>
      <Show when={!props.readOnly}>
        <div class="row">
          <button type="button" class="secondary small" onClick={() => props.onChange([...props.rows, newVariable()])}>
            Add variable
          </button>
          <Index each={props.undeclared}>
            {(name) => (
              <button type="button" class="secondary small" onClick={() => props.onChange([...props.rows, newVariable(name())])} title="Used in the template but not declared">
                Declare “{name()}”
              </button>
            )}
          </Index>
        </div>
      </Show>
    </div>
  );
}

export function ModelSettings(props: { model: ModelForm; onChange: (model: ModelForm) => void; problem: string | null; readOnly: boolean }) {
  const set = (patch: Partial<ModelForm>) => props.onChange({ ...props.model, ...patch });
  return (
    <div class="stack">
      <div class="model-grid">
        <SelectField label="Provider" value={props.model.provider} disabled={props.readOnly} onChange={(event) => set({ provider: event.currentTarget.value as ModelForm["provider"] })}>
          <option value="">Not set</option>
          <option value="openai">OpenAI</option>
          <option value="anthropic">Anthropic</option>
          <option value="google">Google</option>
        </SelectField>
        <TextField label="Model" value={props.model.model} disabled={props.readOnly} maxLength={200} placeholder="gpt-4o-mini" onChange={(event) => set({ model: event.currentTarget.value })} />
        <TextField label="Temperature" type="number" min="0" max="2" step="0.1" inputMode="decimal" value={props.model.temperature} disabled={props.readOnly} placeholder="default" onChange={(event) => set({ temperature: event.currentTarget.value })} />
        <TextField label="Max tokens" type="number" min="1" max="200000" step="1" inputMode="numeric" value={props.model.maxTokens} disabled={props.readOnly} placeholder="default" onChange={(event) => set({ maxTokens: event.currentTarget.value })} />
      </div>
      <Show when={Object.keys(props.model.other).length > 0}>
        <p class="muted small">
          Other settings kept as they are: <code>{JSON.stringify(props.model.other)}</code>
        </p>
      </Show>
      <Show when={props.problem}>
        <p class="field-error" role="alert">
          {props.problem}
        </p>
      </Show>
    </div>
  );
}
