// Live preview (P5): a form of sample values generated from the variables schema, and the
// editor's unsaved template rendered by the API's engine (POST /api/prompts/{id}/preview) a
// moment after each change. The engine's problems are listed naming the variable and where it
// is, and handed to the editor to underline.
import { createEffect, createMemo, createSignal, For, Index, Match, on, onCleanup, Show, Switch } from "solid-js";
import { describeError } from "~/api/client";
import { call } from "~/api/contract";
import type { ChatMessage, PreviewResult, Scalar, TemplateProblem, VariableDefinition } from "~/api/prompts";
import { parseScalar } from "./draft";

const DEBOUNCE_MS = 300;

/** Where a problem is, as an offset in one template (a chat prompt's message, or the text). */
export interface LocatedProblem extends TemplateProblem {
  messageIndex: number | null;
  from: number | null;
  to: number | null;
}

/** Finds a problem's span: the engine's position, or else the variable's first use. */
export function locate(problem: TemplateProblem, sources: readonly string[], chat: boolean): LocatedProblem {
  const find = (index: number, offset: number): LocatedProblem => {
    const source = sources[index] ?? "";
    const rest = source.slice(offset);
    const token = /^\{%[^%]*%\}|^\{[A-Za-z_][A-Za-z0-9_]*\}|^\{%|^\{/.exec(rest);
    return { ...problem, messageIndex: chat ? index : null, from: offset, to: offset + (token?.[0].length ?? 1) };
  };
  if (problem.position) return find(chat ? (problem.message_index ?? 0) : 0, problem.position.offset);
  if (problem.variable) {
    const name = problem.variable.replace(/[$()*+.?[\\\]^{|}]/g, "\\$&");
    const use = new RegExp(`\\{${name}\\}|\\{%\\s*if\\s+(?:not\\s+)?${name}\\s*%\\}`);
    for (let index = 0; index < sources.length; index++) {
      const match = use.exec(sources[index] ?? "");
      if (match) return { ...problem, messageIndex: chat ? index : null, from: match.index, to: match.index + match[0].length };
    }
  }
  return { ...problem, messageIndex: null, from: null, to: null };
}

/** "line 2, column 5" of an offset. */
export function lineAndColumn(source: string, offset: number): string {
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  return `line ${line}, column ${offset - before.lastIndexOf("\n")}`;
}

export function PreviewPanel(props: {
  promptId: string;
  kind: "text" | "chat";
  content: string;
  messages: readonly ChatMessage[];
  variables: readonly VariableDefinition[];
  /** The sample values as typed in the form, by variable name (kept by the page across tabs). */
  samples: Record<string, string>;
  onSamplesChange: (samples: Record<string, string>) => void;
  onProblems: (problems: LocatedProblem[]) => void;
  /** The sample values as typed, for the code snippet. */
  onValues?: (values: Record<string, Scalar>) => void;
}) {
  const samples = () => props.samples;
  const setSamples = (next: Record<string, string>) => props.onSamplesChange(next);
  const [result, setResult] = createSignal<PreviewResult | null>(null);
  const [failure, setFailure] = createSignal<string | null>(null);
  const [pending, setPending] = createSignal(false);
  /** The declared names; an edit that keeps them keeps the sample fields (and their focus). */
  const names = createMemo(() => props.variables.map((variable) => variable.name), [], { equals: (a, b) => a.length === b.length && a.every((name, index) => name === b[index]) });
  const sources = () => (props.kind === "text" ? [props.content] : props.messages.map((message) => message.content));

  const values = (): Record<string, Scalar> => {
    const typed: Record<string, Scalar> = {};
    for (const variable of props.variables) {
      const text = samples()[variable.name] ?? "";
      if (text === "") continue;
      // The engine judges the value: a wrong type comes back as its error, naming the variable.
      typed[variable.name] = parseScalar(variable.type, text) ?? text;
    }
    return typed;
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  let generation = 0;
  const run = async () => {
    const mine = ++generation;
    controller?.abort();
    controller = new AbortController();
    setPending(true);
    const body: Record<string, unknown> = { variables: props.variables, values: values() };
    if (props.kind === "text") body.content = props.content;
    else body.messages = props.messages.map(({ role, content }) => ({ role, content }));
    try {
      const answer = await call("post", "/api/prompts/{promptId}/preview", { params: { promptId: props.promptId }, body, signal: controller.signal });
      if (mine !== generation) return;
      setResult(answer);
      setFailure(null);
      props.onProblems(answer.ok ? [] : answer.errors.map((problem) => locate(problem, sources(), props.kind === "chat")));
    } catch (caught) {
      if (mine !== generation || controller.signal.aborted) return;
      setFailure(describeError(caught));
    } finally {
      if (mine === generation) setPending(false);
    }
  };

  createEffect(
    on(
      () => JSON.stringify([props.kind, props.content, props.messages.map((message) => [message.role, message.content]), props.variables, values()]),
      () => {
        props.onValues?.(values());
        clearTimeout(timer);
        timer = setTimeout(() => void run(), DEBOUNCE_MS);
      },
    ),
  );
  onCleanup(() => {
    clearTimeout(timer);
    controller?.abort();
  });

  const problems = () => {
    const current = result();
    return current && !current.ok ? current.errors.map((problem) => locate(problem, sources(), props.kind === "chat")) : [];
  };

  return (
    <div class="stack preview-panel">
      <Show when={props.variables.length > 0} fallback={<p class="muted small">Declare variables to get a form of sample values here.</p>}>
        <fieldset class="sample-values">
          <legend>Sample values</legend>
          {/* Keyed by name, not by definition object: every edit of the draft makes new definitions,
              and a row keyed by its object would be rebuilt, taking the focus and the caret of the
              sample being typed with it (the typing then went nowhere, or to the field clicked last). */}
          <For each={names()}>
            {(name) => {
              const variable = () => props.variables.find((candidate) => candidate.name === name) ?? { name, type: "string" as const, required: false };
              const id = `sample-${name}`;
              const set = (value: string) => setSamples({ ...samples(), [name]: value });
              const hint = () => `${variable().type}${variable().required ? ", required" : ""}${variable().default !== undefined ? `, default ${String(variable().default)}` : ""}`;
              return (
                <div class="field">
                  <label for={id}>
                    {name} <span class="muted small">({hint()})</span>
                  </label>
                  <Switch fallback={<input id={id} value={samples()[name] ?? ""} placeholder={variable().default === undefined ? "" : String(variable().default)} onInput={(event) => set(event.currentTarget.value)} />}>
                    <Match when={variable().type === "number"}>
                      <input id={id} type="number" step="any" value={samples()[name] ?? ""} placeholder={variable().default === undefined ? "" : String(variable().default)} onInput={(event) => set(event.currentTarget.value)} />
                    </Match>
                    <Match when={variable().type === "boolean"}>
                      <select id={id} value={samples()[name] ?? ""} onChange={(event) => set(event.currentTarget.value)}>
                        <option value="">{variable().default === undefined ? "no value" : `default (${String(variable().default)})`}</option>
                        <option value="true">true</option>
                        <option value="false">false</option>
                      </select>
                    </Match>
                    <Match when={variable().type === "enum"}>
                      <select id={id} value={samples()[name] ?? ""} onChange={(event) => set(event.currentTarget.value)}>
                        <option value="">{variable().default === undefined ? "no value" : `default (${String(variable().default)})`}</option>
                        <For each={variable().values ?? []}>{(value) => <option value={value}>{value}</option>}</For>
                      </select>
                    </Match>
                  </Switch>
                </div>
              );
            }}
          </For>
        </fieldset>
      </Show>

      <div class="preview-output" aria-live="polite" aria-busy={pending()}>
        <div class="row preview-status">
          <span class="muted small">Rendered by the edge's engine</span>
          <Show when={pending()}>
            <span class="spinner" aria-hidden="true" />
            <span class="visually-hidden">Updating preview</span>
          </Show>
        </div>
        <Show when={failure()}>
          <p class="form-error" role="alert">
            The preview could not be rendered: {failure()}
          </p>
        </Show>
        <Show when={result()} fallback={<p class="muted">Rendering…</p>}>
          {(current) => (
            <Show
              when={current().ok ? (current() as Extract<PreviewResult, { ok: true }>) : undefined}
              fallback={
                <div class="notice" data-kind="bad" role="alert">
                  <p class="problem-title">
                    {problems().length} problem{problems().length === 1 ? "" : "s"} in the template
                  </p>
                  <ul class="problem-list">
                    <Index each={problems()}>
                      {(problem) => (
                        <li>
                          <span class="badge" data-tone="bad">
                            {problem().code.replace("_", " ")}
                          </span>{" "}
                          {problem().message}
                          <Show when={problem().from !== null}>
                            <span class="muted">
                              {" "}
                              — {problem().messageIndex !== null ? `message ${(problem().messageIndex ?? 0) + 1}, ` : ""}
                              {lineAndColumn(sources()[problem().messageIndex ?? 0] ?? "", problem().from ?? 0)}
                            </span>
                          </Show>
                        </li>
                      )}
                    </Index>
                  </ul>
                </div>
              }
            >
              {(ok) => (
                <>
                <Show
                  when={ok().messages}
                  fallback={
                    <pre class="preview-text" data-testid="preview-text">
                      {ok().content || <span class="muted">(empty)</span>}
                    </pre>
                  }
                >
                  {(messages) => (
                    <ol class="preview-messages" data-testid="preview-text">
                      <For each={messages()}>
                        {(message) => (
                          <li>
                            <span class="badge" data-tone="accent">
                              {message.role}
                            </span>
                            <pre class="preview-text">{message.content || <span class="muted">(empty)</span>}</pre>
                          </li>
                        )}
                      </For>
                    </ol>
                  )}
                </Show>
                <Show when={ok().includes?.length}>
                  <p class="muted small" data-testid="preview-snippets">
                    Snippets inlined as {ok().environment} serves them now: {ok().includes!.map((pin) => `${pin.slug} v${pin.version}`).join(", ")}
                  </p>
                </Show>
                </>
              )}
            </Show>
          )}
        </Show>
      </div>
    </div>
  );
}
