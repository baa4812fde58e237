// The dashboard (A3–A5, A7): one time range and an optional prompt and environment filter (kept
// in the URL so a view can be shared), headline figures, live counters, usage, latency and error
// rate over time, top prompts (or the prompt's versions), cost per conversion, LLM cost by
// provider and model, a funnel and cohorts. Every chart has its table and a CSV export; empty
// states say what to send to make the numbers appear.
import { useSearchParams } from "@solidjs/router";
import { createMemo, createSignal, For, Show } from "solid-js";
import { call, report } from "~/api/contract";
import type { Prompt } from "~/api/prompts";
import { ENVIRONMENTS } from "~/api/types";
import { EmptyState, ErrorNotice } from "~/components/async-state";
import { PageHeader } from "~/components/page-header";
import { CohortPanel } from "~/analytics/cohort-panel";
import { createQuery } from "~/analytics/create-query";
import { customRange, isoDay, presetRange, RANGE_PRESETS, type RangePreset, type TimeRange } from "~/analytics/date-range";
import { FunnelPanel } from "~/analytics/funnel-panel";
import { conversionNote } from "~/analytics/kpi-captions";
import { LivePanel } from "~/analytics/live-panel";
import { LlmCostPanel } from "~/analytics/llm-cost-panel";
import { ServingPanel } from "~/analytics/serving-panel";
import { CostPerConversionPanel, ErrorRatePanel, HeadlineFigures, LatencyPanel, SeriesTruncatedNotice, StatsPlaceholders, TopPanel, UsagePanel, type StatsView } from "~/analytics/usage-panels";
import { currentWorkspace } from "~/session/session";
import "~/styles/analytics.css";

type Search = { range?: string; from?: string; to?: string; prompt?: string; env?: string };

export default function DashboardPage() {
  const [search, setSearch] = useSearchParams<Search>();
  const workspaceId = () => currentWorkspace()?.id ?? "";
  // Presets are evaluated when chosen (and on Refresh), so "now" moves forward with them.
  const [now, setNow] = createSignal(Date.now());
  const preset = (): RangePreset | "custom" => (search.range === "custom" ? "custom" : RANGE_PRESETS.some((item) => item.id === search.range) ? (search.range as RangePreset) : "7d");
  const [customFrom, setCustomFrom] = createSignal(search.from ?? isoDay(new Date(Date.now() - 6 * 86_400_000)));
  const [customTo, setCustomTo] = createSignal(search.to ?? isoDay(new Date()));
  const rangeOrError = createMemo<TimeRange | string>(() => (preset() === "custom" ? customRange(search.from ?? customFrom(), search.to ?? customTo()) : presetRange(preset() as RangePreset, now())));
  const range = () => (typeof rangeOrError() === "string" ? null : (rangeOrError() as TimeRange));
  const promptId = () => search.prompt || null;
  const environment = () => (ENVIRONMENTS.includes(search.env as never) ? search.env! : "");

  const prompts = createQuery(
    () => workspaceId() || null,
    async () => (await call("get", "/api/prompts", { query: { status: "active", sort: "name", order: "asc", limit: 100 } })).prompts,
  );
  const definitions = createQuery(
    () => workspaceId() || null,
    async () => (await call("get", "/api/event-definitions")).event_definitions,
  );
  const statsQuery = () => {
    const current = range();
    if (!current || !workspaceId()) return null;
    return { from: current.from.toISOString(), to: current.to.toISOString(), granularity: current.granularity, prompt_id: promptId() ?? undefined, environment: environment() || undefined };
  };
  const stats = createQuery(
    () => (statsQuery() ? { ...statsQuery()!, workspace: workspaceId() } : null),
    async ({ workspace: _workspace, ...query }) => report(await call("get", "/api/analytics/prompt-stats", { query })),
  );

  const chosenPrompt = (): Prompt | undefined => prompts.data()?.find((prompt) => prompt.id === promptId());
  const snippetHref = () => (promptId() ? `/prompts/${promptId()}?tab=code` : prompts.data()?.[0] ? `/prompts/${prompts.data()![0]!.id}?tab=code` : "/prompts");
  const emptyState = (what: string) => (
    <div class="chart-empty">
      <p class="muted">
        {what} Fetch {chosenPrompt() ? <code>{chosenPrompt()!.slug}</code> : "a prompt"} from your app with get-prompt (<a href={snippetHref()}>see the snippet</a>), then send events to <code>POST /api/v1/events</code> with the <code>trace_id</code> it returns. Statistics are
        aggregated every five minutes.
      </p>
    </div>
  );
  const view = (): StatsView | null => {
    const data = stats.data();
    const current = range();
    return data && current ? { stats: data, range: current, promptId: promptId(), empty: emptyState } : null;
  };

  const setPreset = (value: string) => {
    setNow(Date.now());
    if (value === "custom") setSearch({ range: "custom", from: customFrom(), to: customTo() });
    else setSearch({ range: value, from: undefined, to: undefined });
  };

  return (
    <>
      <PageHeader
        title="Dashboard"
        description={<>How your prompts are used, how fast and reliable they are, what they cost and what they convert. <a href={`/traces${promptId() ? `?prompt=${encodeURIComponent(promptId()!)}` : ""}`}>See each answer and event in Traces</a>.</>}
        actions={
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setNow(Date.now());
              void stats.refetch();
            }}
            disabled={stats.loading()}
          >
            {stats.loading() ? "Refreshing…" : "Refresh"}
          </button>
        }
      />
      <form class="panel dashboard-filters" aria-label="Dashboard filters" onSubmit={(event) => event.preventDefault()}>
        <label class="inline-field">
          <span>Range</span>
          <select value={preset()} onChange={(event) => setPreset(event.currentTarget.value)}>
            <For each={RANGE_PRESETS}>{(item) => <option value={item.id}>{item.label}</option>}</For>
            <option value="custom">Custom days…</option>
          </select>
        </label>
        <Show when={preset() === "custom"}>
          <label class="inline-field">
            <span>From</span>
            <input
              type="date"
              value={search.from ?? customFrom()}
              onChange={(event) => {
                setCustomFrom(event.currentTarget.value);
                setSearch({ from: event.currentTarget.value });
              }}
            />
          </label>
          <label class="inline-field">
            <span>To</span>
            <input
              type="date"
              value={search.to ?? customTo()}
              onChange={(event) => {
                setCustomTo(event.currentTarget.value);
                setSearch({ to: event.currentTarget.value });
              }}
            />
          </label>
        </Show>
        <label class="inline-field">
          <span>Prompt</span>
          <select value={promptId() ?? ""} onChange={(event) => setSearch({ prompt: event.currentTarget.value || undefined })}>
            <option value="">All prompts</option>
            <For each={prompts.data() ?? []}>
              {(prompt) => (
                <option value={prompt.id} selected={prompt.id === promptId()}>
                  {prompt.name}
                </option>
              )}
            </For>
          </select>
        </label>
        <label class="inline-field">
          <span>Environment</span>
          <select value={environment()} onChange={(event) => setSearch({ env: event.currentTarget.value || undefined })}>
            <option value="">All environments</option>
            <For each={ENVIRONMENTS}>{(item) => <option value={item}>{item}</option>}</For>
          </select>
        </label>
        <Show when={range()}>
          <p class="muted small dashboard-range">
            {range()!.label} · {range()!.granularity === "hour" ? "hourly" : "daily"} buckets (UTC)
          </p>
        </Show>
      </form>
      <Show when={typeof rangeOrError() === "string"}>
        <p class="notice" data-kind="warn" role="alert">
          {rangeOrError() as string}
        </p>
      </Show>

      <Show when={range()}>
        <div class="dashboard">
          <Show when={stats.error()}>
            <ErrorNotice title="Statistics could not be loaded" error={stats.error()} onRetry={() => void stats.refetch()} />
          </Show>
          {/* Every panel is drawn from the start at its final size, the figures filling in as they
              arrive: nothing is inserted above what is already on screen (layout shift). */}
          <Show when={view() || !stats.error()}>
            <Show when={view()?.stats.totals.requests === 0 && prompts.data()?.length === 0}>
              <EmptyState title="No prompts yet" action={<a class="button" href="/prompts">Create a prompt</a>}>
                The dashboard fills in once apps fetch your prompts from the edge and send events with the <code>trace_id</code> they get back.
              </EmptyState>
            </Show>
            <HeadlineFigures totals={view()?.stats.totals} asOf={view() ? (view()!.stats.data_as_of ?? null) : undefined} hoursPending={view()?.stats.hours_pending} conversionNote={conversionNote(definitions.data())} />
            <Show when={view()}>{(current) => <SeriesTruncatedNotice stats={current().stats} />}</Show>
          </Show>
          <Show when={workspaceId()}>
            <LivePanel promptId={promptId()} workspaceId={workspaceId()} />
          </Show>
          <Show when={view()} fallback={<Show when={!stats.error()}>{<StatsPlaceholders range={range()!} promptId={promptId()} />}</Show>}>
            {(current) => (
              <>
                <UsagePanel view={current()} />
                <div class="grid-2">
                  <LatencyPanel view={current()} />
                  <ErrorRatePanel view={current()} />
                </div>
                <div class="grid-2">
                  <TopPanel view={current()} exportQuery={Object.fromEntries(Object.entries(statsQuery() ?? {}).filter(([, value]) => value !== undefined)) as Record<string, string>} />
                  <CostPerConversionPanel view={current()} />
                </div>
              </>
            )}
          </Show>
          <ServingPanel range={range()!} promptId={promptId()} environment={environment() || null} workspaceId={workspaceId()} />
          <LlmCostPanel range={range()!} promptId={promptId()} workspaceId={workspaceId()} />
          <FunnelPanel promptId={promptId()} range={range()!} environment={environment()} definitions={definitions.data() ?? []} snippetHref={snippetHref()} />
          <CohortPanel promptId={promptId()} range={range()!} definitions={definitions.data() ?? []} snippetHref={snippetHref()} />
        </div>
      </Show>
    </>
  );
}
