// The playground (L2–L4): a prompt version (drafts too) with its variables on a provider and
// model that has a key, an optional fallback chain, the token count and cost estimate before
// running, the output streamed as it arrives (Stop aborts it), then the provider-reported
// tokens, latency and cost, and any failover — which provider failed and why — in plain view.
import { useSearchParams } from "@solidjs/router";
import { batch, createEffect, createMemo, createResource, createSignal, For, Match, on, onCleanup, Show, Switch } from "solid-js";
import { describeError } from "~/api/client";
import { countTokens, failedAttemptsOf, LLM_LIMITS, listProviders, runStream, type FailedAttempt, type RunSummary, type Target } from "~/api/llm";
import { ErrorNotice, Loading } from "~/components/async-state";
import { FormError } from "~/components/field";
import { PageHeader } from "~/components/page-header";
import { createPromptSource, hrefWithSource, PromptPickers, VariablesForm } from "~/llm/prompt-source";
import { EstimateLine, FailoverNotice, formatLatency, RunFigures, targetName } from "~/llm/run-figures";
import { RunSettings, parseSettings, type SettingsForm } from "~/llm/run-settings";
import { defaultTarget, keyed, TargetPicker } from "~/llm/target-picker";
import { SaveAsVersion } from "~/prompts/save-as-version";
import { canEdit, currentWorkspace } from "~/session/session";
import "~/styles/llm.css";

type RunState =
  | { phase: "idle" }
  | { phase: "waiting"; target: Target }
  | { phase: "streaming"; answeredBy: Target; failed: FailedAttempt[] }
  | { phase: "done"; summary: RunSummary }
  | { phase: "stopped"; answeredBy: Target | null; failed: FailedAttempt[] }
  | { phase: "failed"; error: unknown; failed: FailedAttempt[]; answeredBy: Target | null };

const ESTIMATE_DEBOUNCE_MS = 350;

export default function PlaygroundPage() {
  const [search, setSearch] = useSearchParams<{ prompt?: string; version?: string }>();
  const source = createPromptSource({ promptId: search.prompt, versionId: search.version }, ({ promptId, versionId }) => {
    if (search.prompt !== promptId || search.version !== versionId) setSearch({ prompt: promptId, version: versionId }, { replace: true });
  });
  const [providers, { refetch: refetchProviders }] = createResource(() => currentWorkspace()?.id, () => listProviders());
  const usable = () => keyed(providers()?.providers ?? []);

  const [target, setTarget] = createSignal<Target | null>(null);
  const [targetTouched, setTargetTouched] = createSignal(false);
  const [fallbacks, setFallbacks] = createSignal<Target[]>([]);
  const [settings, setSettings] = createSignal<SettingsForm>({ maxTokens: "", temperature: "", timeoutSeconds: String(LLM_LIMITS.timeoutMs.default / 1000) });
  const [output, setOutput] = createSignal("");
  const [state, setState] = createSignal<RunState>({ phase: "idle" });
  const [formError, setFormError] = createSignal<string | null>(null);
  let controller: AbortController | undefined;
  onCleanup(() => controller?.abort());

  // The version's own provider and model when it has a key, until the user picks another.
  createEffect(
    on([() => providers(), () => source.version()], ([answer, version]) => {
      if (!answer || targetTouched()) return;
      const next = defaultTarget(answer.providers, version?.model_config);
      if (next && (next.provider !== target()?.provider || next.model !== target()?.model)) setTarget(next);
    }),
  );

  const running = () => state().phase === "waiting" || state().phase === "streaming";
  const canRun = () => !running() && canEdit() && usable().length > 0 && Boolean(source.version());
  let runPanel: HTMLElement | undefined;
  const parsed = createMemo(() => parseSettings(settings()));

  // The estimate follows the choices a moment after they settle.
  const estimateKey = createMemo(() => {
    const chosen = target();
    const { values, problems } = source.checked();
    if (!chosen?.model || !source.version() || Object.keys(problems).length > 0 || parsed().problem) return null;
    return JSON.stringify({ prompt_id: source.promptId(), version_id: source.versionId(), variables: values, provider: chosen.provider, model: chosen.model, ...(parsed().settings.max_tokens ? { max_tokens: parsed().settings.max_tokens } : {}) });
  });
  const [settledKey, setSettledKey] = createSignal<string | null>(null);
  let estimateTimer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(estimateKey, (key) => {
      clearTimeout(estimateTimer);
      estimateTimer = setTimeout(() => setSettledKey(key), ESTIMATE_DEBOUNCE_MS);
    }),
  );
  onCleanup(() => clearTimeout(estimateTimer));
  const [estimate] = createResource(settledKey, (key) => countTokens(JSON.parse(key)));
  // The last count only while it is for the model chosen now: a count (and its price) for the
  // previous model never stands under a new choice, nor while a model id is being typed.
  const currentEstimate = () => {
    const latest = estimate.latest;
    const chosen = target();
    return latest && estimateKey() !== null && latest.provider === chosen?.provider && latest.model === chosen.model ? latest : undefined;
  };

  const run = async () => {
    if (running()) return;
    setFormError(null);
    source.setShowProblems(true);
    const chosen = target();
    const { values, problems } = source.checked();
    const settingsResult = parsed();
    if (!source.version()) return setFormError("Choose a prompt and a version first.");
    if (Object.keys(problems).length > 0) return setFormError(`Fill in the variables first: ${Object.values(problems)[0]}`);
    if (!chosen?.model) return setFormError("Choose a provider and a model.");
    if (fallbacks().some((fallback) => !fallback.model)) return setFormError("Every fallback needs a model.");
    if (settingsResult.problem) return setFormError(settingsResult.problem);

    controller = new AbortController();
    const mine = controller;
    batch(() => {
      setOutput("");
      setState({ phase: "waiting", target: chosen });
    });
    // In one column the output is below the whole form: bring it into view.
    if (window.matchMedia("(max-width: 64rem)").matches) runPanel?.scrollIntoView({ block: "start" });
    let answeredBy: Target | null = null;
    let failed: FailedAttempt[] = [];
    try {
      const events = runStream(
        {
          prompt_id: source.promptId(),
          version_id: source.versionId(),
          variables: values,
          provider: chosen.provider,
          model: chosen.model,
          fallbacks: fallbacks(),
          ...settingsResult.settings,
          timeout_ms: settingsResult.timeoutMs,
        },
        mine.signal,
      );
      for await (const event of events) {
        if (event.event === "start") {
          answeredBy = { provider: event.data.provider, model: event.data.model };
          failed = event.data.failed_attempts;
          setState({ phase: "streaming", answeredBy, failed });
        } else if (event.event === "delta") setOutput((text) => text + event.data.text);
        else if (event.event === "done") setState({ phase: "done", summary: event.data });
        else if (event.event === "error") setState({ phase: "failed", error: new Error(`${targetName(event.data.provider, event.data.model)} stopped mid-answer: ${event.data.message}`), failed, answeredBy });
      }
      if (state().phase === "streaming") setState({ phase: "failed", error: new Error("The stream ended before the run finished."), failed, answeredBy });
    } catch (caught) {
      if (mine.signal.aborted) setState({ phase: "stopped", answeredBy, failed });
      else setState({ phase: "failed", error: caught, failed: failed.length > 0 ? failed : failedAttemptsOf(caught), answeredBy });
    } finally {
      if (controller === mine) controller = undefined;
    }
  };
  const stop = () => controller?.abort();

  const failedBefore = (): { failed: FailedAttempt[]; answeredBy: Target | null } | null => {
    const current = state();
    if (current.phase === "done") return current.summary.failed_attempts.length > 0 ? { failed: current.summary.failed_attempts, answeredBy: { provider: current.summary.provider, model: current.summary.model } } : null;
    if (current.phase === "streaming" || current.phase === "stopped") return current.failed.length > 0 ? { failed: current.failed, answeredBy: current.answeredBy } : null;
    // Every target failing with one target is the error itself; with several, the list says which failed how.
    if (current.phase === "failed") return current.failed.length > (current.answeredBy ? 0 : 1) ? { failed: current.failed, answeredBy: current.answeredBy } : null;
    return null;
  };
  const statusText = () => {
    const current = state();
    switch (current.phase) {
      case "waiting":
        return `Waiting for the first token from ${targetName(current.target.provider, current.target.model)}…`;
      case "streaming":
        return `Streaming from ${targetName(current.answeredBy.provider, current.answeredBy.model)}…`;
      case "done":
        return `Done: ${current.summary.tokens.output} output tokens from ${targetName(current.summary.provider, current.summary.model)} in ${formatLatency(current.summary.latency_ms)}.`;
      case "stopped":
        return "Stopped. The provider call was cancelled; nothing after this point was generated.";
      case "failed":
        return "The run failed.";
      default:
        return "";
    }
  };

  const compareHref = () => hrefWithSource("/playground/compare", source);

  return (
    <>
      <PageHeader
        title="Playground"
        description="Run a prompt version on a model and see the answer stream in, with the provider's own token counts, latency and cost."
        actions={
          <a class="button secondary" href={compareHref()}>
            Compare models
          </a>
        }
      />
      <Switch>
        <Match when={providers.error}>
          <ErrorNotice error={providers.error} title="The providers could not be loaded" onRetry={refetchProviders} />
        </Match>
        <Match when={providers.state !== "ready" && !providers.latest}>
          <Loading label="Loading providers…" />
        </Match>
        <Match when={true}>
          <form
            class="llm-layout"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              void run();
            }}
            onKeyDown={(event) => {
              if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) {
                event.preventDefault();
                void run();
              }
            }}
          >
            <section class="panel stack llm-setup" aria-labelledby="setup-heading">
              <h2 id="setup-heading">Prompt</h2>
              <PromptPickers source={source} disabled={running()} />
              <VariablesForm source={source} disabled={running()} />

              <h2 id="model-heading">Model</h2>
              <Show
                when={usable().length > 0}
                fallback={
                  <div class="notice" data-kind="warn" role="status">
                    No provider has a key yet. Add an OpenAI, Anthropic or Google key in <a href="/settings/providers">Settings → LLM providers</a> to run prompts here.
                  </div>
                }
              >
                <Show when={target()}>
                  {(chosen) => (
                    <TargetPicker
                      legend="Model"
                      quietLegend
                      providers={providers()?.providers ?? []}
                      value={chosen()}
                      disabled={running()}
                      onChange={(next) => {
                        setTargetTouched(true);
                        setTarget(next);
                      }}
                    />
                  )}
                </Show>
                <RunSettings value={settings()} onChange={setSettings} disabled={running()} versionMaxTokens={source.version()?.model_config.max_tokens} versionTemperature={source.version()?.model_config.temperature} problem={parsed().problem} />

                <div class="stack llm-fallbacks">
                  <div class="panel-head">
                    <h3>Fallbacks</h3>
                    <button
                      type="button"
                      class="secondary small"
                      disabled={running() || fallbacks().length >= LLM_LIMITS.fallbacks}
                      onClick={() => {
                        const all = providers()?.providers ?? [];
                        const other = usable().find((provider) => provider.provider !== target()?.provider) ?? usable()[0];
                        const next = defaultTarget(all, other ? { provider: other.provider } : undefined);
                        if (next) setFallbacks([...fallbacks(), next]);
                      }}
                    >
                      Add fallback
                    </button>
                  </div>
                  <p class="muted small">
                    Tried in order when the model before times out, answers 5xx or 429, or cannot be reached — before its first token. A refused key or request does not fail over.
                  </p>
                  <For each={fallbacks()}>
                    {(fallback, index) => (
                      <TargetPicker
                        legend={`Fallback ${index() + 1}`}
                        providers={providers()?.providers ?? []}
                        value={fallback}
                        disabled={running()}
                        onChange={(next) => setFallbacks(fallbacks().map((item, position) => (position === index() ? next : item)))}
                        onRemove={() => setFallbacks(fallbacks().filter((_, position) => position !== index()))}
                      />
                    )}
                  </For>
                </div>
              </Show>
              <div class="row llm-setup-run">
                <button type="submit" disabled={!canRun()}>
                  {running() ? "Running…" : "Run"}
                </button>
              </div>
              <Show when={canEdit() && source.promptId()}>
                <SaveAsVersion promptId={source.promptId()} version={source.version()} target={target()} settings={parsed().settings} problem={parsed().problem} disabled={running()} />
              </Show>
            </section>

            <section class="panel stack llm-run" aria-labelledby="run-heading" ref={runPanel}>
              <div class="panel-head">
                <h2 id="run-heading">Run</h2>
                <div class="row">
                  <Show when={running()}>
                    <button type="button" class="danger" onClick={stop}>
                      Stop
                    </button>
                  </Show>
                  <button type="submit" class="llm-run-button" disabled={!canRun()} aria-describedby="run-shortcut">
                    {running() ? "Running…" : "Run"}
                  </button>
                </div>
              </div>
              <p id="run-shortcut" class="visually-hidden">
                Ctrl+Enter runs from anywhere in the form.
              </p>
              <Show when={!canEdit()}>
                <p class="notice" data-kind="warn">
                  Viewers can see estimates but not run prompts. Ask an Admin for the Member role.
                </p>
              </Show>

              <section class="llm-before" aria-label="Before running">
                <h3 class="llm-caption">Before running</h3>
                <Switch fallback={<p class="muted small">Choose a version, fill in its variables and a model to count the tokens.</p>}>
                  <Match when={estimate.error}>
                    <p class="form-error small">The tokens could not be counted: {describeError(estimate.error)}</p>
                  </Match>
                  <Match when={currentEstimate()}>{(count) => <EstimateLine count={count()} />}</Match>
                  <Match when={estimate.loading || (estimateKey() !== null && settledKey() !== estimateKey())}>
                    <p class="muted small">Counting tokens…</p>
                  </Match>
                </Switch>
              </section>

              <FormError message={formError()} />

              <Show when={failedBefore()}>{(failover) => <FailoverNotice failed={failover().failed} answeredBy={failover().answeredBy ?? undefined} />}</Show>

              <div class="llm-status row" role="status" aria-live="polite">
                <Show when={running()}>
                  <span class="spinner" aria-hidden="true" />
                </Show>
                <span>{statusText()}</span>
              </div>

              <Show when={state().phase === "failed" ? (state() as Extract<RunState, { phase: "failed" }>) : undefined}>
                {(failure) => <ErrorNotice error={failure().error} title={failure().answeredBy ? "The answer broke off" : "The run failed"} />}
              </Show>

              <div class="llm-output-frame">
                <h3 class="llm-caption" id="output-heading">
                  Output
                </h3>
                <pre class="llm-output" aria-labelledby="output-heading" aria-busy={running()} data-phase={state().phase} tabindex="0">
                  <Show when={output() || running()} fallback={<span class="muted">The answer appears here as it streams.</span>}>
                    {output()}
                    <Show when={running()}>
                      <span class="llm-caret" aria-hidden="true" />
                    </Show>
                  </Show>
                </pre>
              </div>

              <Show when={state().phase === "done" ? (state() as Extract<RunState, { phase: "done" }>).summary : undefined}>
                {(summary) => (
                  <section class="llm-after" aria-label="After the run">
                    <h3 class="llm-caption">
                      After the run <span class="muted">· reported by {targetName(summary().provider, summary().model)}</span>
                    </h3>
                    <RunFigures tokens={summary().tokens} latencyMs={summary().latency_ms} firstTokenMs={summary().first_token_ms} costMicros={summary().cost_micros} priced={summary().priced} finishReason={summary().finish_reason} />
                  </section>
                )}
              </Show>
            </section>
          </form>
        </Match>
      </Switch>
    </>
  );
}
