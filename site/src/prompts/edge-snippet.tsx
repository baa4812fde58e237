// How an app fetches this prompt from the edge: curl and TypeScript fetch, with the workspace's
// edge host, the chosen environment and the declared variables (sample values where typed).
import { createSignal, For, Show } from "solid-js";
import type { Scalar, VariableDefinition } from "~/api/prompts";
import { ENVIRONMENTS, type Environment } from "~/api/types";
import { CopyButton } from "~/components/copy-button";
import { SelectField } from "~/components/field";

export const EDGE_URL = ((import.meta.env.VITE_EDGE_URL as string | undefined) ?? "http://127.0.0.1:8787").replace(/\/+$/, "");

export function EdgeSnippet(props: { slug: string; variables: readonly VariableDefinition[]; samples: Record<string, Scalar> }) {
  const [environment, setEnvironment] = createSignal<Environment>("production");
  const [language, setLanguage] = createSignal<"curl" | "typescript">("curl");
  const parameters = () => {
    const entries: Array<[string, string]> = [["env", environment()]];
    for (const variable of props.variables) {
      const sample = props.samples[variable.name] ?? variable.default;
      entries.push([`var.${variable.name}`, sample === undefined ? `<${variable.name}>` : String(sample)]);
    }
    return entries;
  };
  const url = () => `${EDGE_URL}/api/v1/get-prompt/${encodeURIComponent(props.slug)}?${new URLSearchParams(parameters()).toString()}`;
  const curl = () => `curl "${url()}" \\\n  -H "Authorization: Bearer $XR2_API_KEY"`;
  const typescript = () =>
    [
      `const params = new URLSearchParams(${JSON.stringify(Object.fromEntries(parameters()), null, 2).replace(/\n/g, "\n")});`,
      `const response = await fetch(\`${EDGE_URL}/api/v1/get-prompt/${props.slug}?\${params}\`, {`,
      "  headers: { Authorization: `Bearer ${process.env.XR2_API_KEY}` },",
      "});",
      "if (!response.ok) throw new Error(`xR2 answered ${response.status}`);",
      "// { slug, version, content, messages, model_config, variables, trace_id, … }",
      "const prompt = await response.json();",
      "// Send business events later with prompt.trace_id (POST /api/v1/events).",
    ].join("\n");
  const code = () => (language() === "curl" ? curl() : typescript());
  return (
    <div class="stack edge-snippet">
      <div class="row">
        <div class="tabs compact-tabs" role="tablist" aria-label="Snippet language">
          <For each={["curl", "typescript"] as const}>
            {(item) => (
              <button type="button" role="tab" aria-selected={language() === item} onClick={() => setLanguage(item)}>
                {item === "curl" ? "curl" : "TypeScript"}
              </button>
            )}
          </For>
        </div>
        <SelectField label="Environment" value={environment()} onChange={(event) => setEnvironment(event.currentTarget.value as Environment)}>
          <For each={ENVIRONMENTS}>{(item) => <option value={item}>{item}</option>}</For>
        </SelectField>
      </div>
      <pre class="snippet" aria-label={language() === "curl" ? "curl command" : "TypeScript code"} tabindex="0">
        <code>{code()}</code>
      </pre>
      <div class="row">
        <CopyButton value={code()} label="Copy snippet" />
        <span class="muted small">
          Needs an API key with the <code>prompts:read</code> scope: <a href="/api-keys">create one</a>.
        </span>
      </div>
      <Show when={props.variables.length > 0}>
        <p class="muted small">Variables go in as <code>var.&lt;name&gt;</code> query parameters, or as a JSON body <code>{"{ variables: { … } }"}</code> on POST.</p>
      </Show>
    </div>
  );
}
