// The call settings the playground and the comparison override: the output token limit, the
// temperature (both default to the version's model settings) and how long each attempt may wait.
import { createUniqueId, Show } from "solid-js";
import { LLM_LIMITS, type Settings } from "~/api/llm";

export interface SettingsForm {
  maxTokens: string;
  temperature: string;
  timeoutSeconds: string;
}

export function parseSettings(form: SettingsForm): { settings: Settings; timeoutMs: number; problem: string | null } {
  const settings: Settings = {};
  let timeoutMs: number = LLM_LIMITS.timeoutMs.default;
  if (form.maxTokens.trim() !== "") {
    const value = Number(form.maxTokens);
    if (!Number.isInteger(value) || value < 1 || value > LLM_LIMITS.maxTokens) return { settings, timeoutMs, problem: `Max output tokens is a whole number from 1 to ${LLM_LIMITS.maxTokens.toLocaleString()}.` };
    settings.max_tokens = value;
  }
  if (form.temperature.trim() !== "") {
    const value = Number(form.temperature);
    if (!Number.isFinite(value) || value < 0 || value > 2) return { settings, timeoutMs, problem: "Temperature is a number from 0 to 2." };
    settings.temperature = value;
  }
  if (form.timeoutSeconds.trim() !== "") {
    const value = Math.round(Number(form.timeoutSeconds) * 1000);
    if (!Number.isFinite(value) || value < LLM_LIMITS.timeoutMs.min || value > LLM_LIMITS.timeoutMs.max) {
      return { settings, timeoutMs, problem: `The timeout per attempt is from ${LLM_LIMITS.timeoutMs.min / 1000} to ${LLM_LIMITS.timeoutMs.max / 1000} seconds.` };
    }
    timeoutMs = value;
  }
  return { settings, timeoutMs, problem: null };
}

export function RunSettings(props: { value: SettingsForm; onChange: (form: SettingsForm) => void; disabled?: boolean; versionMaxTokens?: number | undefined; versionTemperature?: number | undefined; problem?: string | null }) {
  const id = createUniqueId();
  const set = (change: Partial<SettingsForm>) => props.onChange({ ...props.value, ...change });
  return (
    <fieldset class="llm-settings" disabled={props.disabled}>
      <legend>Settings</legend>
      <div class="llm-settings-fields">
        <div class="field">
          <label for={`${id}-max`}>Max output tokens</label>
          <input
            id={`${id}-max`}
            type="number"
            inputmode="numeric"
            min="1"
            max={LLM_LIMITS.maxTokens}
            step="1"
            placeholder={String(props.versionMaxTokens ?? 1024)}
            value={props.value.maxTokens}
            aria-describedby={`${id}-max-hint`}
            onInput={(event) => set({ maxTokens: event.currentTarget.value })}
          />
          <p id={`${id}-max-hint`} class="field-hint">
            Empty: {props.versionMaxTokens ? "the version's" : "the default"} {props.versionMaxTokens ?? 1024}
          </p>
        </div>
        <div class="field">
          <label for={`${id}-temperature`}>Temperature</label>
          <input
            id={`${id}-temperature`}
            type="number"
            inputmode="decimal"
            min="0"
            max="2"
            step="0.1"
            placeholder={props.versionTemperature === undefined ? "model default" : String(props.versionTemperature)}
            value={props.value.temperature}
            aria-describedby={`${id}-temperature-hint`}
            onInput={(event) => set({ temperature: event.currentTarget.value })}
          />
          <p id={`${id}-temperature-hint`} class="field-hint">
            0 to 2; empty: {props.versionTemperature === undefined ? "the provider's default" : "the version's"}
          </p>
        </div>
        <div class="field">
          <label for={`${id}-timeout`}>Timeout (s)</label>
          <input
            id={`${id}-timeout`}
            type="number"
            inputmode="decimal"
            min={LLM_LIMITS.timeoutMs.min / 1000}
            max={LLM_LIMITS.timeoutMs.max / 1000}
            step="any"
            value={props.value.timeoutSeconds}
            aria-describedby={`${id}-timeout-hint`}
            onInput={(event) => set({ timeoutSeconds: event.currentTarget.value })}
          />
          <p id={`${id}-timeout-hint`} class="field-hint">
            Per attempt: how long to wait for the first token before failing over
          </p>
        </div>
      </div>
      <Show when={props.problem}>
        <p class="field-error">{props.problem}</p>
      </Show>
    </fieldset>
  );
}
