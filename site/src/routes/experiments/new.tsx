// A new A/B experiment (A6): the prompt and environment, the variants (published versions, the
// first is the control) with traffic weights that must add up to 100 %, the primary event that
// counts as a conversion; saved as a draft or started at once.
import { useNavigate, useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, Index, on, Show } from "solid-js";
import { describeError } from "~/api/client";
import { call } from "~/api/contract";
import { ANALYTICS_LIMITS } from "~/api/analytics";
import type { VersionSummary } from "~/api/prompts";
import { ENVIRONMENTS, type Environment } from "~/api/types";
import { AsyncView, ErrorNotice, Loading } from "~/components/async-state";
import { SelectField, TextAreaField, TextField } from "~/components/field";
import { PageHeader } from "~/components/page-header";
import { notify } from "~/components/toasts";
import { createQuery } from "~/analytics/create-query";
import { canEdit, currentWorkspace } from "~/session/session";
import "~/styles/analytics.css";

interface VariantDraft {
  versionId: string;
  weight: string;
}

const EVENT_NAME = /^[A-Za-z0-9_.:\-]{1,100}$/;

/** Splits 100 % into `count` whole shares, the remainder going to the first ones. */
function evenSplit(count: number): number[] {
  const base = Math.floor(100 / count);
  return Array.from({ length: count }, (_, index) => base + (index < 100 - base * count ? 1 : 0));
}

export default function NewExperimentPage() {
  const navigate = useNavigate();
  const [search] = useSearchParams<{ prompt?: string }>();
  const [name, setName] = createSignal("");
  const [description, setDescription] = createSignal("");
  const [promptId, setPromptId] = createSignal(search.prompt ?? "");
  const [environment, setEnvironment] = createSignal<Environment>("production");
  const [primaryEvent, setPrimaryEvent] = createSignal("");
  const [variants, setVariants] = createSignal<VariantDraft[]>([
    { versionId: "", weight: "50" },
    { versionId: "", weight: "50" },
  ]);
  const [submitted, setSubmitted] = createSignal(false);
  const [busy, setBusy] = createSignal<"draft" | "start" | null>(null);
  const [failure, setFailure] = createSignal<unknown>(null);

  const prompts = createQuery(
    () => currentWorkspace()?.id,
    async () => (await call("get", "/api/prompts", { query: { status: "active", sort: "name", order: "asc", limit: 100 } })).prompts,
  );
  const definitions = createQuery(
    () => currentWorkspace()?.id,
    async () => (await call("get", "/api/event-definitions")).event_definitions,
  );
  const versions = createQuery(
    () => promptId() || null,
    async (id) => (await call("get", "/api/prompts/{promptId}/versions", { params: { promptId: id }, query: { limit: 100 } })).versions.filter((version) => version.status !== "draft"),
  );
  const prompt = () => prompts.data()?.find((item) => item.id === promptId());

  // The first prompt by default; the primary event defaults to the first conversion definition.
  createEffect(() => {
    if (!promptId() && prompts.data()?.[0]) setPromptId(prompts.data()![0]!.id);
  });
  createEffect(() => {
    if (primaryEvent()) return;
    const conversion = definitions.data()?.find((definition) => definition.category === "conversion") ?? definitions.data()?.[0];
    if (conversion) setPrimaryEvent(conversion.event_name);
  });
  // New prompt or environment: control = the version live there, variant B = the newest other.
  createEffect(
    on([() => versions.data(), environment], ([list, env]) => {
      if (!list) return;
      const live = prompt()?.environments[env]?.version_id;
      const control = list.find((version) => version.id === live) ?? list[list.length - 1];
      const challenger = list.find((version) => version.id !== control?.id);
      setVariants((current) => current.map((variant, index) => ({ ...variant, versionId: index === 0 ? (control?.id ?? "") : index === 1 ? (challenger?.id ?? "") : variant.versionId })));
    }),
  );

  const total = createMemo(() => variants().reduce((sum, variant) => sum + (Number(variant.weight) || 0), 0));
  const errors = createMemo(() => {
    const found: Record<string, string> = {};
    if (!name().trim()) found.name = "Name the experiment.";
    if (!promptId()) found.prompt = "Choose a prompt.";
    if (!EVENT_NAME.test(primaryEvent().trim())) found.primaryEvent = "Name the event that counts as a conversion (letters, digits, _ . : -).";
    variants().forEach((variant, index) => {
      const weight = Number(variant.weight);
      if (!variant.versionId) found[`version-${index}`] = "Choose a version.";
      else if (variants().findIndex((other) => other.versionId === variant.versionId) !== index) found[`version-${index}`] = "Each version may be one variant only.";
      if (!Number.isInteger(weight) || weight < 1 || weight > 100) found[`weight-${index}`] = "A whole number from 1 to 100.";
    });
    if (total() !== 100) found.total = `The weights add up to ${total()} %; they must add up to 100 %.`;
    return found;
  });
  const valid = () => Object.keys(errors()).length === 0;
  const shown = (key: string) => (submitted() ? errors()[key] : undefined);

  const setVariant = (index: number, change: Partial<VariantDraft>) => setVariants(variants().map((variant, at) => (at === index ? { ...variant, ...change } : variant)));
  const addVariant = () => {
    const next = [...variants(), { versionId: versions.data()?.find((version) => !variants().some((variant) => variant.versionId === version.id))?.id ?? "", weight: "0" }];
    const split = evenSplit(next.length);
    setVariants(next.map((variant, index) => ({ ...variant, weight: String(split[index]) })));
  };
  const removeVariant = (index: number) => {
    const next = variants().filter((_, at) => at !== index);
    const split = evenSplit(next.length);
    setVariants(next.map((variant, at) => ({ ...variant, weight: String(split[at]) })));
  };

  const save = async (start: boolean) => {
    setSubmitted(true);
    setFailure(null);
    if (!valid()) return;
    setBusy(start ? "start" : "draft");
    try {
      const created = await call("post", "/api/experiments", {
        body: {
          prompt_id: promptId(),
          environment: environment(),
          name: name().trim(),
          description: description().trim() || undefined,
          primary_event: primaryEvent().trim(),
          variants: variants().map((variant) => ({ version_id: variant.versionId, weight: Number(variant.weight) })),
        },
      });
      if (start) {
        try {
          await call("post", "/api/experiments/{experimentId}/start", { params: { experimentId: created.id } });
          notify(`Started “${created.name}”: get-prompt assigns units within seconds`);
        } catch (caught) {
          notify(`Saved as a draft, but it could not start: ${describeError(caught)}`, "error");
        }
      } else notify(`Saved “${created.name}” as a draft`);
      navigate(`/experiments/${created.id}`);
    } catch (caught) {
      setFailure(caught);
    } finally {
      setBusy(null);
    }
  };

  const versionLabel = (version: VersionSummary) => `v${version.version_number} · ${version.status}${version.environments.length > 0 ? ` · live in ${version.environments.join(", ")}` : ""}${version.changelog ? ` — ${version.changelog.slice(0, 60)}` : ""}`;

  return (
    <>
      <PageHeader title="New experiment" description="Split a prompt's traffic between versions and see which one converts better." back={{ href: "/experiments", label: "Experiments" }} />
      <Show
        when={canEdit()}
        fallback={
          <p class="notice" data-kind="warn">
            Viewers can read experiments but not create them; ask a Member or an Admin.
          </p>
        }
      >
        <AsyncView query={prompts} errorTitle="Prompts could not be loaded" loading="Loading prompts…">
          <Show
            when={prompts.data()!.length > 0}
            fallback={
              <p class="notice">
                An experiment compares versions of a prompt: <a href="/prompts">create a prompt</a> and publish two versions first.
              </p>
            }
          >
            <form
              class="stack experiment-form"
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                void save(true);
              }}
            >
              <section class="panel stack" aria-labelledby="what-heading">
                <h2 id="what-heading">What to test</h2>
                <TextField label="Name" value={name()} onInput={(event) => setName(event.currentTarget.value)} maxLength={200} error={shown("name")} placeholder="Friendlier greeting" />
                <TextAreaField label="Hypothesis (optional)" value={description()} onInput={(event) => setDescription(event.currentTarget.value)} maxLength={2000} rows={2} hint="What you expect and why; it helps whoever reads the results." />
                <div class="grid-2">
                  <SelectField label="Prompt" value={promptId()} onChange={(event) => setPromptId(event.currentTarget.value)} error={shown("prompt")}>
                    <For each={prompts.data()!}>
                      {(item) => (
                        <option value={item.id} selected={item.id === promptId()}>
                          {`${item.name} (${item.slug})`}
                        </option>
                      )}
                    </For>
                  </SelectField>
                  <SelectField label="Environment" value={environment()} onChange={(event) => setEnvironment(event.currentTarget.value as Environment)} hint="Calls to get-prompt with this env and a unit_id are split.">
                    <For each={ENVIRONMENTS}>{(item) => <option value={item}>{item}</option>}</For>
                  </SelectField>
                </div>
                <TextField
                  label="Primary metric (event)"
                  value={primaryEvent()}
                  onInput={(event) => setPrimaryEvent(event.currentTarget.value)}
                  list="experiment-events"
                  maxLength={100}
                  error={shown("primaryEvent")}
                  hint={
                    <>
                      A unit converts when this event arrives with the <code>trace_id</code> of one of its get-prompt answers. <a href="/event-definitions">Event definitions</a>
                    </>
                  }
                />
                <datalist id="experiment-events">
                  <For each={definitions.data() ?? []}>{(definition) => <option value={definition.event_name}>{definition.category}</option>}</For>
                </datalist>
              </section>

              <section class="panel stack" aria-labelledby="variants-heading">
                <div class="panel-head">
                  <h2 id="variants-heading">Variants and traffic</h2>
                  <div class="row">
                    <button type="button" class="secondary small" onClick={() => setVariants(variants().map((variant, index) => ({ ...variant, weight: String(evenSplit(variants().length)[index]) })))}>
                      Split evenly
                    </button>
                    <button type="button" class="secondary small" onClick={addVariant} disabled={variants().length >= ANALYTICS_LIMITS.maxVariants}>
                      Add variant
                    </button>
                  </div>
                </div>
                <Show when={!versions.loading() || versions.data()} fallback={<Loading label="Loading versions…" />}>
                  <Show
                    when={(versions.data()?.length ?? 0) >= 2}
                    fallback={
                      <p class="notice" data-kind="warn">
                        This prompt has {versions.data()?.length ?? 0} version{versions.data()?.length === 1 ? "" : "s"} out of draft; an experiment needs at least two. Publish another version from <a href={`/prompts/${promptId()}?tab=versions`}>the prompt's page</a>.
                      </p>
                    }
                  >
                    <ol class="variant-list">
                      <Index each={variants()}>
                        {(variant, index) => (
                          <li class="variant-row">
                            <span class="variant-key">{index === 0 ? "Control" : `Variant ${String.fromCharCode(65 + index)}`}</span>
                            <SelectField label={`Version for ${index === 0 ? "the control" : `variant ${String.fromCharCode(65 + index)}`}`} value={variant().versionId} onChange={(event) => setVariant(index, { versionId: event.currentTarget.value })} error={shown(`version-${index}`)}>
                              <option value="">Choose a version…</option>
                              <For each={versions.data() ?? []}>
                                {(version) => (
                                  <option value={version.id} selected={version.id === variant().versionId}>
                                    {versionLabel(version)}
                                  </option>
                                )}
                              </For>
                            </SelectField>
                            <TextField
                              label="Traffic (%)"
                              type="number"
                              inputMode="numeric"
                              min="1"
                              max="100"
                              step="1"
                              value={variant().weight}
                              onInput={(event) => setVariant(index, { weight: event.currentTarget.value })}
                              error={shown(`weight-${index}`)}
                              aria-label={`Traffic for ${index === 0 ? "the control" : `variant ${String.fromCharCode(65 + index)}`} (%)`}
                            />
                            <button type="button" class="secondary small" onClick={() => removeVariant(index)} disabled={variants().length <= 2} aria-label={`Remove ${index === 0 ? "the control" : `variant ${String.fromCharCode(65 + index)}`}`}>
                              Remove
                            </button>
                          </li>
                        )}
                      </Index>
                    </ol>
                    <div class="split-bar" aria-hidden="true">
                      <Index each={variants()}>{(variant, index) => <span style={{ width: `${Math.max(0, Number(variant().weight) || 0)}%`, background: `var(--chart-${(index % 5) + 1})` }} />}</Index>
                    </div>
                    <p class={total() === 100 ? "muted small" : "field-error"} role={total() === 100 ? undefined : "alert"} data-total={total()}>
                      Total: {total()} %{total() === 100 ? " ✓" : ` — must be 100 % (${total() > 100 ? `${total() - 100} too many` : `${100 - total()} missing`})`}
                    </p>
                    <p class="muted small">The first variant is the control: every other one is compared with it. Units (the unit_id apps send) stay in their variant for the whole experiment.</p>
                  </Show>
                </Show>
              </section>

              <Show when={failure()}>
                <ErrorNotice title="The experiment could not be created" error={failure()} />
              </Show>
              <Show when={submitted() && !valid()}>
                <p class="form-error" role="alert">
                  Fix the fields marked above.
                </p>
              </Show>
              <div class="row">
                <button type="submit" disabled={busy() !== null}>
                  {busy() === "start" ? "Starting…" : "Create and start"}
                </button>
                <button type="button" class="secondary" disabled={busy() !== null} onClick={() => void save(false)}>
                  {busy() === "draft" ? "Saving…" : "Save as draft"}
                </button>
              </div>
            </form>
          </Show>
        </AsyncView>
      </Show>
    </>
  );
}
