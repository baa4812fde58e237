// What the playground and the comparison run: a prompt, one of its versions (drafts too) and
// the values of its variables, from a form generated from the version's variables schema
// (types, defaults, required). The page keeps prompt and version in its address, so a link
// from a prompt page (/playground?prompt=…&version=…) opens on that version.
import { createEffect, createMemo, createResource, createSignal, For, Match, on, Show, Switch, type Resource } from "solid-js";
import { call } from "~/api/contract";
import type { Prompt, Scalar, VariableDefinition, Version, VersionSummary } from "~/api/prompts";
import { ErrorNotice } from "~/components/async-state";
import { SelectField } from "~/components/field";
import { parseScalar } from "~/prompts/draft";
import { currentWorkspace } from "~/session/session";

export interface PromptSource {
  promptId: () => string;
  versionId: () => string;
  selectPrompt: (id: string) => void;
  selectVersion: (id: string) => void;
  prompts: Resource<Prompt[]>;
  versions: Resource<VersionSummary[]>;
  version: Resource<Version>;
  /** The variables' values as typed, by name. */
  typed: () => Record<string, string>;
  setTyped: (name: string, text: string) => void;
  /** The values to send (empty fields left out, so the template's defaults apply) and the form's problems by variable. */
  checked: () => { values: Record<string, Scalar>; problems: Record<string, string> };
  /** Set after a failed attempt to run, so problems show only once the user tried. */
  showProblems: () => boolean;
  setShowProblems: (show: boolean) => void;
}

/** A playground page's address carrying the chosen prompt and version (`?prompt=&version=`). */
export function hrefWithSource(path: string, source: PromptSource): string {
  return `${path}${source.promptId() ? `?prompt=${encodeURIComponent(source.promptId())}&version=${encodeURIComponent(source.versionId())}` : ""}`;
}

export const versionLabel = (version: Pick<VersionSummary, "version_number" | "status">) => `v${version.version_number} · ${version.status}`;

/** Prompt, version and variables state; `initial` comes from the address and `onChange` writes it back. */
export function createPromptSource(initial: { promptId?: string | undefined; versionId?: string | undefined }, onChange: (ids: { promptId: string; versionId: string }) => void): PromptSource {
  const [promptId, setPromptId] = createSignal(initial.promptId ?? "");
  const [versionId, setVersionId] = createSignal(initial.versionId ?? "");
  const [typed, setTypedAll] = createSignal<Record<string, string>>({});
  const [showProblems, setShowProblems] = createSignal(false);

  const [prompts] = createResource(
    () => currentWorkspace()?.id,
    async () => {
      const list = (await call("get", "/api/prompts", { query: { limit: 100, sort: "updated_at" } })).prompts;
      // A linked prompt beyond the first page (or archived) is still offered.
      const linked = promptId();
      if (linked && !list.some((prompt) => prompt.id === linked)) {
        const extra = await call("get", "/api/prompts/{promptId}", { params: { promptId: linked } }).catch(() => null);
        if (extra) list.unshift(extra);
      }
      return list;
    },
  );
  const [versions] = createResource(
    () => (promptId() ? { promptId: promptId() } : undefined),
    async ({ promptId: id }) => (await call("get", "/api/prompts/{promptId}/versions", { params: { promptId: id }, query: { limit: 100 } })).versions,
  );
  const [version] = createResource(
    () => (promptId() && versionId() ? { promptId: promptId(), versionId: versionId() } : undefined),
    ({ promptId: id, versionId: vid }) => call("get", "/api/prompts/{promptId}/versions/{versionId}", { params: { promptId: id, versionId: vid } }),
  );

  // Another workspace: its own prompts, from the top.
  createEffect(
    on(
      () => currentWorkspace()?.id,
      () => {
        setVersionId("");
        setPromptId("");
      },
      { defer: true },
    ),
  );
  // No prompt chosen yet: the most recently updated one.
  createEffect(
    on(prompts, (list) => {
      if (!list || promptId()) return;
      const first = list[0];
      if (first) setPromptId(first.id);
    }),
  );
  // No version chosen (or one of another prompt): the newest, drafts included.
  createEffect(
    on(versions, (list) => {
      if (!list) return;
      if (list.some((item) => item.id === versionId())) return;
      setVersionId(list[0]?.id ?? "");
    }),
  );
  // A new version: its defaults fill the form, keeping what the user typed for names it still has.
  createEffect(
    on(version, (loaded) => {
      if (!loaded) return;
      const previous = typed();
      const next: Record<string, string> = {};
      for (const variable of loaded.variables) next[variable.name] = previous[variable.name] ?? (variable.default === undefined ? "" : String(variable.default));
      setTypedAll(next);
      setShowProblems(false);
    }),
  );
  createEffect(
    on([promptId, versionId], ([prompt, ver]) => {
      if (prompt && ver) onChange({ promptId: prompt, versionId: ver });
    }),
  );

  const checked = createMemo(() => {
    const values: Record<string, Scalar> = {};
    const problems: Record<string, string> = {};
    for (const variable of version()?.variables ?? []) {
      const text = typed()[variable.name] ?? "";
      if (text === "") {
        if (variable.required && variable.default === undefined) problems[variable.name] = `${variable.name} is required.`;
        continue;
      }
      const value = parseScalar(variable.type, text);
      if (value === undefined) problems[variable.name] = variable.type === "number" ? `${variable.name} must be a number.` : `${variable.name} must be true or false.`;
      else if (variable.type === "enum" && variable.values && !variable.values.includes(String(value))) problems[variable.name] = `${variable.name} must be one of ${variable.values.join(", ")}.`;
      else values[variable.name] = value;
    }
    return { values, problems };
  });

  return {
    promptId,
    versionId,
    selectPrompt: (id) => {
      if (id === promptId()) return;
      setVersionId("");
      setPromptId(id);
    },
    selectVersion: setVersionId,
    prompts,
    versions,
    version,
    typed,
    setTyped: (name, text) => setTypedAll({ ...typed(), [name]: text }),
    checked,
    showProblems,
    setShowProblems,
  };
}

/** Prompt and version pickers. */
export function PromptPickers(props: { source: PromptSource; disabled?: boolean }) {
  const source = props.source;
  return (
    <div class="stack llm-pickers">
      <Show when={!source.prompts.error} fallback={<ErrorNotice error={source.prompts.error} title="The prompts could not be loaded" />}>
        <Show
          when={source.prompts.state !== "ready" || (source.prompts()?.length ?? 0) > 0}
          fallback={
            <div class="notice" data-kind="warn">
              This workspace has no prompts yet. <a href="/prompts">Create a prompt</a> to run it here.
            </div>
          }
        >
          <SelectField label="Prompt" value={source.promptId()} disabled={props.disabled || source.prompts.loading} onChange={(event) => source.selectPrompt(event.currentTarget.value)}>
            <Show when={!source.promptId()}>
              <option value="">{source.prompts.loading ? "Loading prompts…" : "Choose a prompt"}</option>
            </Show>
            <For each={source.prompts() ?? []}>
              {(prompt) => (
                <option value={prompt.id}>
                  {prompt.name} ({prompt.slug})
                </option>
              )}
            </For>
          </SelectField>
          <Show when={!source.versions.error} fallback={<ErrorNotice error={source.versions.error} title="The versions could not be loaded" />}>
            <SelectField
              label="Version"
              value={source.versionId()}
              disabled={props.disabled || !source.promptId() || source.versions.loading}
              hint={<Show when={source.version()}>{(version) => <VersionHint version={version()} />}</Show>}
              onChange={(event) => source.selectVersion(event.currentTarget.value)}
            >
              <Show when={!source.versionId()}>
                <option value="">{source.versions.loading ? "Loading versions…" : "No versions yet"}</option>
              </Show>
              <For each={source.versions() ?? []}>
                {(version) => (
                  <option value={version.id}>
                    {versionLabel(version)}
                    {version.environments.length > 0 ? ` (${version.environments.join(", ")})` : ""}
                  </option>
                )}
              </For>
            </SelectField>
          </Show>
        </Show>
      </Show>
    </div>
  );
}

/** An include tag anywhere in the version's text: the run inlines snippets (the API says which are missing). */
const INCLUDE_TAG = /\{%-?\s*include\s/;

function VersionHint(props: { version: Version }) {
  const model = () => [props.version.model_config.provider, props.version.model_config.model].filter(Boolean).join(" / ");
  const includes = () => [props.version.content ?? "", ...(props.version.messages ?? []).map((message) => message.content)].some((text) => INCLUDE_TAG.test(text));
  return (
    <>
      {props.version.kind === "chat" ? `Chat, ${props.version.messages?.length ?? 0} messages` : "Text"}
      {model() ? ` · set for ${model()}` : ""} ·{" "}
      <a href={`/prompts/${props.version.prompt_id}`}>open the prompt</a>
      <Show when={includes()}>
        <span data-testid="playground-snippets"> · snippets are inlined as production serves them</span>
      </Show>
    </>
  );
}

/** The variables form generated from the version's schema. */
export function VariablesForm(props: { source: PromptSource; disabled?: boolean }) {
  const source = props.source;
  const variables = () => source.version()?.variables ?? [];
  return (
    <Show when={source.version()}>
      <Show when={variables().length > 0} fallback={<p class="muted small">This version has no variables.</p>}>
        <fieldset class="llm-variables">
          <legend>Variables</legend>
          <For each={variables()}>{(variable) => <VariableInput variable={variable} source={source} disabled={props.disabled} />}</For>
        </fieldset>
      </Show>
    </Show>
  );
}

function VariableInput(props: { variable: VariableDefinition; source: PromptSource; disabled?: boolean | undefined }) {
  const id = () => `variable-${props.variable.name}`;
  const value = () => props.source.typed()[props.variable.name] ?? "";
  const set = (text: string) => props.source.setTyped(props.variable.name, text);
  const problem = () => (props.source.showProblems() ? props.source.checked().problems[props.variable.name] : undefined);
  const required = () => props.variable.required && props.variable.default === undefined;
  const hint = () =>
    [props.variable.type, props.variable.required ? "required" : "optional", props.variable.default !== undefined ? `default ${String(props.variable.default)}` : "", props.variable.description ?? ""].filter(Boolean).join(" · ");
  const describedBy = () => [`${id()}-hint`, problem() ? `${id()}-error` : ""].filter(Boolean).join(" ");
  const common = () => ({ id: id(), disabled: props.disabled, "aria-describedby": describedBy(), "aria-invalid": problem() ? ("true" as const) : undefined, required: required() });
  return (
    <div class="field" data-invalid={problem() ? "true" : undefined}>
      <label for={id()}>
        {props.variable.name}
        <Show when={required()}>
          <span class="llm-required" aria-hidden="true">
            {" "}
            *
          </span>
        </Show>
      </label>
      <Switch fallback={<textarea {...common()} rows={value().length > 80 || value().includes("\n") ? 4 : 1} class="llm-variable-text" value={value()} onInput={(event) => set(event.currentTarget.value)} />}>
        <Match when={props.variable.type === "number"}>
          <input {...common()} type="number" step="any" value={value()} onInput={(event) => set(event.currentTarget.value)} />
        </Match>
        <Match when={props.variable.type === "boolean"}>
          <select {...common()} value={value()} onChange={(event) => set(event.currentTarget.value)}>
            <option value="">{props.variable.default === undefined ? "No value" : `Default (${String(props.variable.default)})`}</option>
            <option value="true">true</option>
            <option value="false">false</option>
          </select>
        </Match>
        <Match when={props.variable.type === "enum"}>
          <select {...common()} value={value()} onChange={(event) => set(event.currentTarget.value)}>
            <option value="">{props.variable.default === undefined ? "Choose…" : `Default (${String(props.variable.default)})`}</option>
            <For each={props.variable.values ?? []}>{(choice) => <option value={choice}>{choice}</option>}</For>
          </select>
        </Match>
      </Switch>
      <p id={`${id()}-hint`} class="field-hint">
        {hint()}
      </p>
      <Show when={problem()}>
        <p id={`${id()}-error`} class="field-error">
          {problem()}
        </p>
      </Show>
    </div>
  );
}
