// "Save as new version" in the playground: the chosen version's text or messages and variables,
// with the model and settings tried in the playground, saved as a new draft of the chosen prompt.
import { createSignal, Show } from "solid-js";
import { createVersion } from "~/api/authoring";
import { describeError } from "~/api/client";
import type { ModelConfig, Version } from "~/api/prompts";
import type { Target } from "~/api/llm";
import { targetName } from "~/llm/run-figures";
import { FormError } from "~/components/field";

export function SaveAsVersion(props: { promptId: string; version: Version | undefined; target: Target | null; settings: { max_tokens?: number; temperature?: number }; disabled?: boolean; problem?: string | null }) {
  const [busy, setBusy] = createSignal(false);
  const [saved, setSaved] = createSignal<Version | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  const save = async () => {
    const from = props.version;
    if (!from || busy()) return;
    if (props.problem) return setError(props.problem);
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const model_config: ModelConfig = { ...from.model_config, ...props.settings };
      if (props.target?.model) Object.assign(model_config, { provider: props.target.provider, model: props.target.model });
      const label = props.target?.model ? ` on ${targetName(props.target.provider, props.target.model)}` : "";
      setSaved(await createVersion(props.promptId, { content: from.content, messages: from.messages, variables: from.variables, model_config, changelog: `From the playground: v${from.version_number}${label}` }));
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="stack save-as-version">
      <div class="row">
        <button type="button" class="secondary" disabled={busy() || props.disabled || !props.version} onClick={() => void save()}>
          {busy() ? "Saving…" : "Save as new version"}
        </button>
        <span class="muted small">A new draft of this prompt with the version's text and the model and settings chosen here.</span>
      </div>
      <div role="status">
        <Show when={saved()}>
          {(version) => (
            <p class="small">
              Saved as draft v{version().version_number}. <a href={`/prompts/${props.promptId}?tab=versions`}>Open the versions</a>
            </p>
          )}
        </Show>
      </div>
      <FormError message={error()} />
    </div>
  );
}
