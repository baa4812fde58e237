// A provider and model choice: the providers with a key (yours or the workspace's), their models
// from the price table with list prices, and any other model id the provider serves (a dated
// snapshot, a model newer than the price table: it runs, unpriced).
import { createUniqueId, For, Show } from "solid-js";
import { MODEL_ID_PATTERN, type LlmProvider, type ModelPrice, type ProviderInfo, type Target } from "~/api/llm";

const OTHER = "__other__";

export const keyed = (providers: readonly ProviderInfo[]) => providers.filter((provider) => provider.has_user_key || provider.has_workspace_key);

/** The first model of the first keyed provider, or the version's choice when its provider has a key. */
export function defaultTarget(providers: readonly ProviderInfo[], preferred?: { provider?: string | undefined; model?: string | undefined }): Target | null {
  const usable = keyed(providers);
  const match = usable.find((provider) => provider.provider === preferred?.provider);
  if (match) return { provider: match.provider, model: preferred?.model || match.models[0]?.model || "" };
  const first = usable[0];
  return first ? { provider: first.provider, model: first.models[0]?.model ?? "" } : null;
}

export const priceLine = (price: ModelPrice) =>
  `$${price.input_per_million} in / $${price.output_per_million} out per 1M tokens${price.cached_input_per_million !== null ? `, cached $${price.cached_input_per_million}` : ""}`;

export function TargetPicker(props: {
  /** Names the fields, e.g. "Model" or "Fallback 1". */
  legend: string;
  providers: readonly ProviderInfo[];
  value: Target;
  onChange: (target: Target) => void;
  disabled?: boolean;
  /** Renders a remove button when given. */
  onRemove?: () => void;
  /** Hides the legend visually (a single picker under its own heading). */
  quietLegend?: boolean;
}) {
  const id = createUniqueId();
  const usable = () => keyed(props.providers);
  const models = () => props.providers.find((provider) => provider.provider === props.value.provider)?.models ?? [];
  const known = () => models().find((model) => model.model === props.value.model);
  // "Other model id…" shows while the model is empty (just chosen) or not one of the table's;
  // kept in the value alone, so a list that re-creates the picker loses nothing.
  const other = () => !known();

  const chooseProvider = (provider: LlmProvider) => {
    const first = props.providers.find((candidate) => candidate.provider === provider)?.models[0]?.model ?? "";
    props.onChange({ provider, model: first });
  };
  const chooseModel = (value: string) => props.onChange({ ...props.value, model: value === OTHER ? "" : value });

  return (
    <fieldset class="llm-target" disabled={props.disabled}>
      <legend classList={{ "visually-hidden": props.quietLegend }}>{props.legend}</legend>
      <div class="llm-target-fields">
        <div class="field">
          <label for={`${id}-provider`}>Provider</label>
          <select id={`${id}-provider`} value={props.value.provider} onChange={(event) => chooseProvider(event.currentTarget.value as LlmProvider)}>
            <For each={usable()}>{(provider) => <option value={provider.provider}>{provider.name}</option>}</For>
          </select>
        </div>
        <div class="field">
          <label for={`${id}-model`}>Model</label>
          <select id={`${id}-model`} value={other() ? OTHER : props.value.model} onChange={(event) => chooseModel(event.currentTarget.value)} aria-describedby={`${id}-price`}>
            <For each={models()}>{(model) => <option value={model.model}>{model.name}</option>}</For>
            <option value={OTHER}>Other model id…</option>
          </select>
        </div>
        <Show when={other()}>
          <div class="field">
            <label for={`${id}-model-id`}>Model id</label>
            <input
              id={`${id}-model-id`}
              value={props.value.model}
              required
              pattern={MODEL_ID_PATTERN}
              placeholder="e.g. gpt-4o-2024-08-06"
              autocomplete="off"
              spellcheck={false}
              onInput={(event) => props.onChange({ ...props.value, model: event.currentTarget.value.trim() })}
            />
          </div>
        </Show>
      </div>
      <Show when={props.onRemove}>
        <button type="button" class="secondary small llm-target-remove" onClick={() => props.onRemove?.()}>
          Remove<span class="visually-hidden"> {props.legend.toLowerCase()}</span>
        </button>
      </Show>
      <p id={`${id}-price`} class="field-hint">
        {/* A reactive expression: a string returned from a <Show> callback is computed once, and
            the caption kept the first model's price after another was chosen. */}
        {known() ? `${known()!.model} · ${priceLine(known()!)}` : props.value.model ? "Not in the price table: it runs, but its cost shows as unpriced." : "Type the model id the provider serves."}
      </p>
    </fieldset>
  );
}
