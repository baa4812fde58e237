// Compare (L4): one prompt version with the same variables on two to four provider/models at
// once, side by side: each column's output, provider-reported tokens, latency and cost, and a
// failure shown in its own column without hiding the others.
import { useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createResource, createSignal, For, Match, on, onCleanup, Show, Switch } from "solid-js";
import { compareModels, LLM_LIMITS, listProviders, type CompareResult, type ProviderInfo, type Target } from "~/api/llm";
import { ErrorNotice, Loading } from "~/components/async-state";
import { FormError } from "~/components/field";
import { PageHeader } from "~/components/page-header";
import { createPromptSource, hrefWithSource, PromptPickers, VariablesForm } from "~/llm/prompt-source";
import { formatLatency, RunFigures, targetName } from "~/llm/run-figures";
import { parseSettings, RunSettings, type SettingsForm } from "~/llm/run-settings";
import { keyed, TargetPicker } from "~/llm/target-picker";
import { canEdit, currentWorkspace } from "~/session/session";
import "~/styles/llm.css";

const MIN_TARGETS = 2;

/** Two starting columns: two providers' first models, or two models of the one provider with a key. */
function startingTargets(providers: readonly ProviderInfo[]): Target[] {
  const usable = keyed(providers);
  if (usable.length >= 2) return usable.slice(0, 2).map((provider) => ({ provider: provider.provider, model: provider.models[0]?.model ?? "" }));
  const only = usable[0];
  if (!only) return [];
  return [0, 1].map((index) => ({ provider: only.provider, model: only.models[index]?.model ?? only.models[0]?.model ?? "" }));
}

type CompareState = { phase: "idle" } | { phase: "running"; targets: Target[] } | { phase: "done"; results: CompareResult[] } | { phase: "failed"; error: unknown } | { phase: "cancelled" };

export default function ComparePage() {
  const [search, setSearch] = useSearchParams<{ prompt?: string; version?: string }>();
  const source = createPromptSource({ promptId: search.prompt, versionId: search.version }, ({ promptId, versionId }) => {
    if (search.prompt !== promptId || search.version !== versionId) setSearch({ prompt: promptId, version: versionId }, { replace: true });
  });
  const [providers, { refetch: refetchProviders }] = createResource(() => currentWorkspace()?.id, () => listProviders());
  const usable = () => keyed(providers()?.providers ?? []);
  const [targets, setTargets] = createSignal<Target[]>([]);
  createEffect(
    on(providers, (answer) => {
      if (answer && targets().length === 0) setTargets(startingTargets(answer.providers));
    }),
  );
  const [settings, setSettings] = createSignal<SettingsForm>({ maxTokens: "", temperature: "", timeoutSeconds: String(LLM_LIMITS.timeoutMs.default / 1000) });
  const parsed = createMemo(() => parseSettings(settings()));
  const [state, setState] = createSignal<CompareState>({ phase: "idle" });
  const [formError, setFormError] = createSignal<string | null>(null);
  let controller: AbortController | undefined;
  onCleanup(() => controller?.abort());
  const running = () => state().phase === "running";

  const compare = async () => {
    if (running()) return;
    setFormError(null);
    source.setShowProblems(true);
    const { values, problems } = source.checked();
    if (!source.version()) return setFormError("Choose a prompt and a version first.");
    if (Object.keys(problems).length > 0) return setFormError(`Fill in the variables first: ${Object.values(problems)[0]}`);
    if (targets().length < MIN_TARGETS) return setFormError("Choose at least two models.");
    if (targets().some((target) => !target.model)) return setFormError("Every column needs a model.");
    if (parsed().problem) return setFormError(parsed().problem);
    const chosen = targets();
    controller = new AbortController();
    const mine = controller;
    setState({ phase: "running", targets: chosen });
    try {
      const answer = await compareModels({ prompt_id: source.promptId(), version_id: source.versionId(), variables: values, targets: chosen, ...parsed().settings, timeout_ms: parsed().timeoutMs }, mine.signal);
      setState({ phase: "done", results: answer.results });
    } catch (caught) {
      setState(mine.signal.aborted ? { phase: "cancelled" } : { phase: "failed", error: caught });
    } finally {
      if (controller === mine) controller = undefined;
    }
  };

  // Badges for the best of the successful columns (only when there is more than one to compare).
  const best = createMemo(() => {
    const current = state();
    if (current.phase !== "done") return { fastest: -1, cheapest: -1 };
    const ok = current.results.map((result, index) => ({ result, index })).filter(({ result }) => result.ok);
    if (ok.length < 2) return { fastest: -1, cheapest: -1 };
    const fastest = ok.reduce((a, b) => (b.result.latency_ms < a.result.latency_ms ? b : a)).index;
    const priced = ok.filter(({ result }) => result.priced);
    const cheapest = priced.length >= 2 ? priced.reduce((a, b) => (b.result.cost_micros < a.result.cost_micros ? b : a)).index : -1;
    return { fastest, cheapest };
  });

  const playgroundHref = () => hrefWithSource("/playground", source);

  return (
    <>
      <PageHeader title="Compare models" description="Run one version with the same variables on two to four models at once and read the answers side by side." back={{ href: playgroundHref(), label: "Playground" }} />
      <Switch>
        <Match when={providers.error}>
          <ErrorNotice error={providers.error} title="The providers could not be loaded" onRetry={refetchProviders} />
        </Match>
        <Match when={providers.state !== "ready" && !providers.latest}>
          <Loading label="Loading providers…" />
        </Match>
        <Match when={true}>
          <form
            class="stack"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              void compare();
            }}
          >
            <div class="llm-compare-setup">
              <section class="panel stack" aria-labelledby="compare-prompt-heading">
                <h2 id="compare-prompt-heading">Prompt</h2>
                <PromptPickers source={source} disabled={running()} />
                <VariablesForm source={source} disabled={running()} />
              </section>
              <section class="panel stack" aria-labelledby="compare-models-heading">
                <div class="panel-head">
                  <h2 id="compare-models-heading">Models</h2>
                  <Show when={usable().length > 0}>
                    <button
                      type="button"
                      class="secondary small"
                      disabled={running() || targets().length >= LLM_LIMITS.compareTargets}
                      onClick={() => {
                        const used = new Set(targets().map((target) => target.provider));
                        const next = usable().find((provider) => !used.has(provider.provider)) ?? usable()[0]!;
                        setTargets([...targets(), { provider: next.provider, model: next.models[0]?.model ?? "" }]);
                      }}
                    >
                      Add model
                    </button>
                  </Show>
                </div>
                <Show
                  when={usable().length > 0}
                  fallback={
                    <div class="notice" data-kind="warn" role="status">
                      No provider has a key yet. Add a key in <a href="/settings/providers">Settings → LLM providers</a> to compare models.
                    </div>
                  }
                >
                  <For each={targets()}>
                    {(target, index) => (
                      <TargetPicker
                        legend={`Column ${index() + 1}`}
                        providers={providers()?.providers ?? []}
                        value={target}
                        disabled={running()}
                        onChange={(next) => setTargets(targets().map((item, position) => (position === index() ? next : item)))}
                        {...(targets().length > MIN_TARGETS ? { onRemove: () => setTargets(targets().filter((_, position) => position !== index())) } : {})}
                      />
                    )}
                  </For>
                  <RunSettings value={settings()} onChange={setSettings} disabled={running()} versionMaxTokens={source.version()?.model_config.max_tokens} versionTemperature={source.version()?.model_config.temperature} problem={parsed().problem} />
                </Show>
              </section>
            </div>

            <div class="row llm-compare-actions">
              <button type="submit" disabled={running() || !canEdit() || usable().length === 0 || !source.version()}>
                {running() ? "Comparing…" : `Compare ${targets().length} models`}
              </button>
              <Show when={running()}>
                <button type="button" class="secondary" onClick={() => controller?.abort()}>
                  Cancel
                </button>
              </Show>
              <Show when={!canEdit()}>
                <span class="muted small">Viewers cannot run prompts. Ask an Admin for the Member role.</span>
              </Show>
              <FormError message={formError()} />
            </div>
          </form>

          <section class="llm-results" aria-labelledby="results-heading" aria-busy={running()}>
            <h2 id="results-heading">Results</h2>
            <div role="status" aria-live="polite" class="small muted">
              <Switch>
                <Match when={state().phase === "running"}>Running every model at once…</Match>
                <Match when={state().phase === "done"}>
                  {(() => {
                    const current = state() as Extract<CompareState, { phase: "done" }>;
                    const failed = current.results.filter((result) => !result.ok).length;
                    return `${current.results.length - failed} of ${current.results.length} models answered${failed ? `; ${failed} failed` : ""}.`;
                  })()}
                </Match>
                <Match when={state().phase === "cancelled"}>Cancelled.</Match>
              </Switch>
            </div>
            <Switch fallback={<p class="muted">Choose the models and press Compare: each answer shows in its own column.</p>}>
              <Match when={state().phase === "failed" ? (state() as Extract<CompareState, { phase: "failed" }>) : undefined}>
                {(failure) => <ErrorNotice error={failure().error} title="The comparison could not run" />}
              </Match>
              <Match when={state().phase === "running" ? (state() as Extract<CompareState, { phase: "running" }>) : undefined}>
                {(current) => (
                  <div class="llm-columns">
                    <For each={current().targets}>
                      {(target) => (
                        <article class="panel llm-column" data-state="running">
                          <h3>{targetName(target.provider, target.model)}</h3>
                          <Loading label="Waiting for the answer…" />
                        </article>
                      )}
                    </For>
                  </div>
                )}
              </Match>
              <Match when={state().phase === "done" ? (state() as Extract<CompareState, { phase: "done" }>) : undefined}>
                {(current) => (
                  <div class="llm-columns">
                    <For each={current().results}>
                      {(result, index) => (
                        <article class="panel llm-column" data-state={result.ok ? "ok" : "failed"} aria-labelledby={`column-${index()}`}>
                          <header class="llm-column-head">
                            <h3 id={`column-${index()}`}>{targetName(result.provider, result.model)}</h3>
                            <div class="row">
                              <Show when={!result.ok}>
                                <span class="badge" data-tone="bad">
                                  Failed
                                </span>
                              </Show>
                              <Show when={best().fastest === index()}>
                                <span class="badge" data-tone="accent">
                                  Fastest
                                </span>
                              </Show>
                              <Show when={best().cheapest === index()}>
                                <span class="badge" data-tone="ok">
                                  Cheapest
                                </span>
                              </Show>
                            </div>
                          </header>
                          <Show
                            when={result.ok}
                            fallback={
                              <div class="notice" data-kind="bad">
                                <p>
                                  <span class="badge" data-tone="bad">
                                    {result.error?.error_code ?? "error"}
                                  </span>{" "}
                                  {result.error?.message ?? "The call failed."}
                                </p>
                                <p class="muted small">Failed after {formatLatency(result.latency_ms)}; no tokens were recorded.</p>
                              </div>
                            }
                          >
                            <pre class="llm-output llm-column-output" tabindex="0" aria-label={`Output of ${targetName(result.provider, result.model)}`}>
                              {result.output}
                            </pre>
                            <RunFigures tokens={result.tokens} latencyMs={result.latency_ms} costMicros={result.cost_micros} priced={result.priced} finishReason={result.finish_reason} label={`Usage of ${targetName(result.provider, result.model)}`} />
                          </Show>
                        </article>
                      )}
                    </For>
                  </div>
                )}
              </Match>
            </Switch>
          </section>
        </Match>
      </Switch>
    </>
  );
}
