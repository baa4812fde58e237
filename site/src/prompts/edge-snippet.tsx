// How an app uses this prompt, in three tabs: the TypeScript SDK, the Python SDK and cURL against
// the edge, each built from the prompt's slug, kind and variables (with sample values), the chosen
// environment, the edge's URL and the workspace's first defined business event. The last chosen
// language is remembered in localStorage, so a developer sees their language on every prompt.
// The tabs follow the WAI-ARIA tabs pattern: arrow keys, Home and End move between them.
import { createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { listEventDefinitions } from "~/api/admin";
import type { Scalar, VariableDefinition } from "~/api/prompts";
import { ENVIRONMENTS, type Environment } from "~/api/types";
import { CopyButton } from "~/components/copy-button";
import { SelectField } from "~/components/field";
import { currentWorkspace } from "~/session/session";
import { DEFAULT_EVENT, eventFromDefinition, INSTALL_COMMAND, sampleValues, SNIPPET_LANGUAGES, snippetCode, type SnippetLanguage } from "./snippet-code";

export const EDGE_URL = ((import.meta.env.VITE_EDGE_URL as string | undefined) ?? "http://127.0.0.1:8787").replace(/\/+$/, "");

export const SNIPPET_LANGUAGE_KEY = "xr2.snippet-language";

function storedLanguage(): SnippetLanguage {
  try {
    const value = localStorage.getItem(SNIPPET_LANGUAGE_KEY);
    return SNIPPET_LANGUAGES.some((language) => language.id === value) ? (value as SnippetLanguage) : "typescript";
  } catch {
    return "typescript"; // storage disabled: the default each time
  }
}

function storeLanguage(language: SnippetLanguage): void {
  try {
    localStorage.setItem(SNIPPET_LANGUAGE_KEY, language);
  } catch {
    // storage disabled or full: the choice lasts for this page only
  }
}

const CODE_LABEL: Record<SnippetLanguage, string> = { typescript: "TypeScript code", python: "Python code", curl: "cURL commands" };

export function EdgeSnippet(props: { slug: string; kind: "text" | "chat"; variables: readonly VariableDefinition[]; samples: Record<string, Scalar> }) {
  const id = createUniqueId();
  const tabId = (language: SnippetLanguage) => `snippet-tab-${language}-${id}`;
  const panelId = `snippet-panel-${id}`;
  const [environment, setEnvironment] = createSignal<Environment>("production");
  const [language, setLanguage] = createSignal<SnippetLanguage>(storedLanguage());
  // The event the snippet tracks: the workspace's first definition (by name), if it has any.
  // Without one, or when they cannot be read, a generic example stands in.
  const [definitions] = createResource(
    () => currentWorkspace()?.id,
    () => listEventDefinitions().catch(() => []),
  );
  const event = () => {
    const first = definitions.latest?.[0];
    return first ? eventFromDefinition(first) : DEFAULT_EVENT;
  };
  const code = () =>
    snippetCode(language(), { slug: props.slug, kind: props.kind, environment: environment(), edgeUrl: EDGE_URL, values: sampleValues(props.variables, props.samples), event: event() });

  const choose = (next: SnippetLanguage) => {
    setLanguage(next);
    storeLanguage(next);
  };
  const onTabKey = (keyboard: KeyboardEvent) => {
    const index = SNIPPET_LANGUAGES.findIndex((item) => item.id === language());
    const count = SNIPPET_LANGUAGES.length;
    const target =
      keyboard.key === "ArrowRight" ? (index + 1) % count : keyboard.key === "ArrowLeft" ? (index - 1 + count) % count : keyboard.key === "Home" ? 0 : keyboard.key === "End" ? count - 1 : null;
    if (target === null) return;
    keyboard.preventDefault();
    const next = SNIPPET_LANGUAGES[target]!.id;
    choose(next);
    document.getElementById(tabId(next))?.focus();
  };

  return (
    <div class="stack edge-snippet">
      <div class="row">
        <div class="tabs" role="tablist" aria-label="Snippet language" onKeyDown={onTabKey}>
          <For each={SNIPPET_LANGUAGES}>
            {(item) => (
              <button
                type="button"
                role="tab"
                id={tabId(item.id)}
                aria-selected={language() === item.id}
                aria-controls={panelId}
                tabindex={language() === item.id ? 0 : -1}
                onClick={() => choose(item.id)}
              >
                {item.label}
              </button>
            )}
          </For>
        </div>
        <SelectField label="Environment" value={environment()} onChange={(change) => setEnvironment(change.currentTarget.value as Environment)}>
          <For each={ENVIRONMENTS}>{(item) => <option value={item}>{item}</option>}</For>
        </SelectField>
      </div>
      <div class="stack" role="tabpanel" id={panelId} aria-labelledby={tabId(language())}>
        <Show when={INSTALL_COMMAND[language()]}>
          {(install) => (
            <div class="snippet-install">
              <pre class="snippet" aria-label="Install command">
                <code>{install()}</code>
              </pre>
              <CopyButton value={install()} label="Copy install command" />
            </div>
          )}
        </Show>
        <pre class="snippet" aria-label={CODE_LABEL[language()]} tabindex="0">
          <code>{code()}</code>
        </pre>
        <div class="row">
          <CopyButton value={code()} label="Copy snippet" />
          <span class="muted small">
            Needs an API key with the <code>prompts:read</code> scope{language() === "curl" ? "" : " (which also reports what the SDK served)"}, and <code>events:write</code> to send events:{" "}
            <a href="/api-keys">create one</a>.
          </span>
        </div>
        <Show when={language() === "curl" && props.variables.length > 0}>
          <p class="muted small">Variables go in as <code>var.&lt;name&gt;</code> query parameters, or as a JSON body <code>{"{ variables: { … } }"}</code> on POST.</p>
        </Show>
      </div>
    </div>
  );
}
