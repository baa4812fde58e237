// Funnels (A4) for the chosen prompt: the PM picks the steps in order from the event
// definitions (or types an event name the apps send undeclared), and sees per version the units
// exposed, each step's count, conversion and drop-off (GET /api/analytics/funnels).
import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import { call, report } from "~/api/contract";
import { ANALYTICS_LIMITS, type EventDefinition, type FunnelStep } from "~/api/analytics";
import { ChartPanel } from "~/charts/chart-panel";
import { FunnelChart } from "~/charts/funnel-chart";
import { colorAt } from "~/charts/scale";
import { formatNumber, formatPercent } from "~/lib/format";
import { createQuery } from "./create-query";
import { isoDay, type TimeRange } from "./date-range";

const WINDOWS = [
  { hours: 1, label: "1 hour" },
  { hours: 24, label: "24 hours" },
  { hours: 168, label: "7 days" },
  { hours: 720, label: "30 days" },
];
const MAX_CHARTS = 6;

type Row = FunnelStep & { version: string };

export function FunnelPanel(props: { promptId: string | null; range: TimeRange; environment: string; definitions: readonly EventDefinition[]; snippetHref: string }) {
  const [steps, setSteps] = createSignal<string[]>([]);
  const [choice, setChoice] = createSignal("");
  const [typed, setTyped] = createSignal("");
  const [windowHours, setWindowHours] = createSignal(24);
  // Default steps: the conversion events first, up to three.
  createEffect(
    on(
      () => props.definitions.map((definition) => definition.event_name).join(","),
      () => {
        if (steps().length > 0) return;
        const ordered = [...props.definitions].sort((a, b) => Number(a.category === "conversion") - Number(b.category === "conversion"));
        setSteps(ordered.slice(0, 3).map((definition) => definition.event_name));
      },
    ),
  );
  const available = () => props.definitions.filter((definition) => !steps().includes(definition.event_name));
  const add = (name: string) => {
    const clean = name.trim();
    if (!clean || steps().includes(clean) || steps().length >= ANALYTICS_LIMITS.funnelSteps) return;
    setSteps([...steps(), clean]);
  };
  const move = (index: number, by: number) => {
    const next = [...steps()];
    const [item] = next.splice(index, 1);
    next.splice(index + by, 0, item!);
    setSteps(next);
  };

  const funnel = createQuery(
    () => (props.promptId && steps().length > 0 ? { prompt_id: props.promptId, steps: steps().join(","), from: props.range.from.toISOString(), to: props.range.to.toISOString(), window_hours: windowHours(), environment: props.environment || undefined } : null),
    (query) => call("get", "/api/analytics/funnels", { query }).then(report),
  );
  const rows = createMemo<Row[]>(() => (funnel.data()?.versions ?? []).flatMap((version) => version.steps.map((step) => ({ ...step, version: version.version_number ? `v${version.version_number}` : version.version_id }))));
  const versions = createMemo(() => [...(funnel.data()?.versions ?? [])].sort((a, b) => (b.steps[0]?.count ?? 0) - (a.steps[0]?.count ?? 0)));

  const builder = (
    <fieldset class="funnel-builder">
      <legend>Steps, in order</legend>
      <Show when={steps().length > 0} fallback={<p class="muted small">No steps yet: add the events a user does after seeing the prompt.</p>}>
        <ol class="funnel-steps">
          <For each={steps()}>
            {(step, index) => (
              <li>
                <span class="funnel-step-number" aria-hidden="true">
                  {index() + 1}
                </span>
                <code>{step}</code>
                <span class="row">
                  <button type="button" class="secondary small" disabled={index() === 0} onClick={() => move(index(), -1)} aria-label={`Move ${step} up`}>
                    ↑
                  </button>
                  <button type="button" class="secondary small" disabled={index() === steps().length - 1} onClick={() => move(index(), 1)} aria-label={`Move ${step} down`}>
                    ↓
                  </button>
                  <button type="button" class="secondary small" onClick={() => setSteps(steps().filter((item) => item !== step))} aria-label={`Remove ${step}`}>
                    ✕
                  </button>
                </span>
              </li>
            )}
          </For>
        </ol>
      </Show>
      <div class="row funnel-add">
        <label class="inline-field">
          <span>Add a defined event</span>
          <select value={choice()} onChange={(event) => setChoice(event.currentTarget.value)} disabled={available().length === 0}>
            <option value="">{available().length === 0 ? "No more definitions" : "Choose…"}</option>
            <For each={available()}>{(definition) => <option value={definition.event_name}>{`${definition.event_name} (${definition.category})`}</option>}</For>
          </select>
        </label>
        <button
          type="button"
          class="secondary small"
          disabled={!choice()}
          onClick={() => {
            add(choice());
            setChoice("");
          }}
        >
          Add step
        </button>
        <form
          class="row"
          onSubmit={(event) => {
            event.preventDefault();
            add(typed());
            setTyped("");
          }}
        >
          <label class="inline-field">
            <span>Or any event name</span>
            <input value={typed()} onInput={(event) => setTyped(event.currentTarget.value)} maxLength={100} placeholder="e.g. checkout" />
          </label>
          <button type="submit" class="secondary small" disabled={!typed().trim()}>
            Add
          </button>
        </form>
        <label class="inline-field">
          <span>Within</span>
          <select value={windowHours()} onChange={(event) => setWindowHours(Number(event.currentTarget.value))}>
            <For each={WINDOWS}>{(item) => <option value={item.hours}>{item.label}</option>}</For>
          </select>
        </label>
      </div>
    </fieldset>
  );

  return (
    <Show
      when={props.promptId}
      fallback={
        <section class="panel chart-panel" aria-labelledby="funnel-heading">
          <h2 id="funnel-heading">Funnel</h2>
          <p class="muted">Choose a prompt above: a funnel starts at that prompt's exposures and follows the events apps send with its trace_id.</p>
        </section>
      }
    >
      <ChartPanel
        title="Funnel"
        description={`Units exposed to the prompt, then each step's first event within ${WINDOWS.find((item) => item.hours === windowHours())?.label ?? `${windowHours()} hours`}, per version`}
        rows={rows()}
        columns={[
          { header: "Version", value: (row) => row.version },
          { header: "Step", value: (row) => row.step },
          { header: "Event", value: (row) => row.event_name ?? "exposure", display: (row) => row.event_name ?? "Exposed" },
          { header: "Units", value: (row) => row.count, display: (row) => formatNumber(row.count), numeric: true },
          { header: "From previous", value: (row) => row.conversion_from_previous, display: (row) => formatPercent(row.conversion_from_previous), numeric: true },
          { header: "From start", value: (row) => row.conversion_from_start, display: (row) => formatPercent(row.conversion_from_start), numeric: true },
          { header: "Dropped", value: (row) => row.drop_off, display: (row) => formatNumber(row.drop_off), numeric: true },
        ]}
        csvName={`funnel-${isoDay(props.range.from)}`}
        apiExport={funnel.data() ? { path: "/api/analytics/funnels", query: { prompt_id: props.promptId!, steps: steps().join(","), from: props.range.from.toISOString(), to: props.range.to.toISOString(), window_hours: windowHours(), environment: props.environment || undefined, format: "csv" } } : undefined}
        toolbar={builder}
        query={steps().length > 0 ? funnel : undefined}
        loading="Loading the funnel…"
        errorTitle="The funnel could not be loaded"
        empty={
          steps().length === 0 ? (
            <p class="muted chart-empty">Add at least one step to draw the funnel.</p>
          ) : versions().length === 0 ? (
            <p class="muted chart-empty">
              Nobody was exposed to this prompt in the range. Fetch it from your app (<a href={props.snippetHref}>see the snippet</a>), then send the steps' events with the <code>trace_id</code> get-prompt returns.
            </p>
          ) : undefined
        }
      >
        <div class="funnel-grid">
          <For each={versions().slice(0, MAX_CHARTS)}>
            {(version, index) => (
              <div class="funnel-version">
                <h3>{version.version_number ? `Version ${version.version_number}` : version.version_id}</h3>
                <FunnelChart
                  steps={version.steps}
                  color={colorAt(index())}
                  label={`Funnel of version ${version.version_number ?? version.version_id}: ${version.steps.map((step) => `${step.event_name ?? "exposed"} ${formatNumber(step.count)}`).join(", then ")}`}
                />
              </div>
            )}
          </For>
        </div>
        <Show when={versions().length > MAX_CHARTS}>
          <p class="muted small">The {versions().length - MAX_CHARTS} least exposed versions are in the table only.</p>
        </Show>
      </ChartPanel>
    </Show>
  );
}
