// The trace explorer (issue 17): every get-prompt answer (exposure) and business event of the
// workspace, newest first, filtered by prompt, version, environment, event name, trace id, unit
// id, API key, status and dates — the filters live in the URL, so a view can be shared or linked
// (the dashboard, experiment results and request log link here). Events whose trace id matches
// no answer are marked "Unattributed". A row's trace id opens the trace view.
import { A, useSearchParams } from "@solidjs/router";
import { createResource, For, Show } from "solid-js";
import { call } from "~/api/contract";
import { listApiKeys } from "~/api/admin";
import { listTraceItems, TRACE_ITEM_STATUSES, type TraceFilters, type TraceItemKind, type TraceItemStatus } from "~/api/traces";
import { ENVIRONMENTS, type Environment } from "~/api/types";
import { AsyncView, EmptyState } from "~/components/async-state";
import { TextField } from "~/components/field";
import { LoadMore } from "~/components/load-more";
import { PageHeader } from "~/components/page-header";
import { createCursorList } from "~/lib/cursor-list";
import { formatDateTime, formatRelative } from "~/lib/format";
import { currentWorkspace, isAdmin } from "~/session/session";
import { dayStart, formatLatency, STATUS_HINT, STATUS_LABEL, STATUS_TONE } from "~/traces/trace-labels";
import "~/styles/admin.css";
import "~/styles/traces.css";

const PAGE_SIZE = 50;

type Search = { kind?: string; status?: string; prompt?: string; version?: string; env?: string; event?: string; trace?: string; unit?: string; key?: string; from?: string; to?: string };
const FILTER_KEYS: ReadonlyArray<keyof Search> = ["kind", "status", "prompt", "version", "env", "event", "trace", "unit", "key", "from", "to"];

const oneOf = <T extends string>(value: string | undefined, choices: readonly T[]): T | undefined => (choices.includes(value as T) ? (value as T) : undefined);

export default function TracesPage() {
  const [search, setSearch] = useSearchParams<Search>();
  const workspaceId = () => currentWorkspace()?.id;
  const text = (value: string | undefined) => value?.trim() || undefined;

  const filters = (): TraceFilters => ({
    kind: oneOf<TraceItemKind>(search.kind, ["exposure", "event"]),
    status: oneOf<TraceItemStatus>(search.status, TRACE_ITEM_STATUSES.map((item) => item.id)),
    prompt_id: text(search.prompt),
    version_id: search.prompt ? text(search.version) : undefined,
    environment: oneOf<Environment>(search.env, ENVIRONMENTS),
    event_name: text(search.event),
    trace_id: text(search.trace),
    unit_id: text(search.unit),
    api_key_id: text(search.key),
    from: dayStart(search.from),
    to: dayStart(search.to, 1),
  });
  const filtered = () => FILTER_KEYS.some((key) => Boolean(search[key]));

  const [prompts] = createResource(workspaceId, async () => (await call("get", "/api/prompts", { query: { sort: "name", order: "asc", limit: 100 } })).prompts);
  // A prompt picked by a link (the dashboard, an experiment) may be past the first 100: offer it too.
  const [linkedPrompt] = createResource(
    () => {
      const id = search.prompt;
      const listed = prompts.latest;
      return id && listed && !listed.some((prompt) => prompt.id === id) ? id : undefined;
    },
    (promptId) => call("get", "/api/prompts/{promptId}", { params: { promptId } }).catch(() => null),
  );
  const promptOptions = () => [...(prompts.latest ?? []), ...(search.prompt && linkedPrompt.latest ? [linkedPrompt.latest] : [])];
  const [versions] = createResource(
    () => (workspaceId() && search.prompt ? search.prompt : undefined),
    async (promptId) => (await call("get", "/api/prompts/{promptId}/versions", { params: { promptId }, query: { limit: 100 } })).versions,
  );
  const [keys] = createResource(() => (isAdmin() ? workspaceId() : undefined), () => listApiKeys());

  const list = createCursorList({
    deps: () => [workspaceId(), ...FILTER_KEYS.map((key) => search[key])],
    enabled: () => Boolean(workspaceId()),
    fetchPage: (cursor) => listTraceItems(filters(), cursor, PAGE_SIZE),
    items: (page) => page.items,
  });
  const { items } = list;

  const set = (patch: Partial<Search>) => setSearch(Object.fromEntries(Object.entries(patch).map(([key, value]) => [key, value || undefined])));
  const clearFilters = () => setSearch(Object.fromEntries(FILTER_KEYS.map((key) => [key, undefined])));

  return (
    <>
      <PageHeader
        title="Traces"
        description="Every get-prompt answer and every event your apps sent, newest first. Events arrive a few seconds after they are sent; open a trace to see the answer with its values and text."
        actions={
          <button type="button" class="secondary" onClick={() => void list.reload()} disabled={list.loading()}>
            {list.loading() ? "Refreshing…" : "Refresh"}
          </button>
        }
      />
      <section class="panel" aria-labelledby="traces-title">
        <h2 id="traces-title" class="visually-hidden">
          Answers and events
        </h2>
        <form class="admin-filters audit-filters trace-filters" role="search" aria-label="Filter answers and events" onSubmit={(event) => event.preventDefault()}>
          <div class="field">
            <label for="traces-kind">Show</label>
            <select id="traces-kind" value={search.kind ?? ""} onChange={(event) => set({ kind: event.currentTarget.value })}>
              <option value="">Answers and events</option>
              <option value="exposure">Answers (get-prompt)</option>
              <option value="event">Events</option>
            </select>
          </div>
          <div class="field">
            <label for="traces-status">Status</label>
            <select id="traces-status" value={search.status ?? ""} onChange={(event) => set({ status: event.currentTarget.value })}>
              <option value="">Any status</option>
              <For each={TRACE_ITEM_STATUSES}>{(item) => <option value={item.id}>{item.label}</option>}</For>
            </select>
          </div>
          <div class="field">
            <label for="traces-prompt">Prompt</label>
            <select id="traces-prompt" value={search.prompt ?? ""} onChange={(event) => set({ prompt: event.currentTarget.value, version: undefined })}>
              <option value="">All prompts</option>
              <For each={promptOptions()}>
                {(prompt) => (
                  <option value={prompt.id} selected={prompt.id === search.prompt}>
                    {prompt.name}
                  </option>
                )}
              </For>
            </select>
          </div>
          <div class="field">
            <label for="traces-version">Version</label>
            <select id="traces-version" value={search.version ?? ""} disabled={!search.prompt} onChange={(event) => set({ version: event.currentTarget.value })}>
              <option value="">{search.prompt ? "All versions" : "Choose a prompt first"}</option>
              <For each={versions.latest ?? []}>
                {(version) => (
                  <option value={version.id} selected={version.id === search.version}>
                    v{version.version_number}
                  </option>
                )}
              </For>
            </select>
          </div>
          <div class="field">
            <label for="traces-env">Environment</label>
            <select id="traces-env" value={search.env ?? ""} onChange={(event) => set({ env: event.currentTarget.value })}>
              <option value="">All environments</option>
              <For each={ENVIRONMENTS}>{(item) => <option value={item}>{item}</option>}</For>
            </select>
          </div>
          <TextField label="Event name" spellcheck={false} maxLength={100} value={search.event ?? ""} onChange={(event) => set({ event: event.currentTarget.value.trim() })} />
          <TextField label="Trace id" spellcheck={false} maxLength={64} placeholder="tr_…" value={search.trace ?? ""} onChange={(event) => set({ trace: event.currentTarget.value.trim() })} />
          <TextField label="Unit id (user)" spellcheck={false} maxLength={256} value={search.unit ?? ""} onChange={(event) => set({ unit: event.currentTarget.value.trim() })} />
          <Show when={isAdmin()}>
            <div class="field">
              <label for="traces-key">API key</label>
              <select id="traces-key" value={search.key ?? ""} onChange={(event) => set({ key: event.currentTarget.value })}>
                <option value="">Any key</option>
                <For each={keys.latest ?? []}>
                  {(key) => (
                    <option value={key.id} selected={key.id === search.key}>
                      {key.name} ({key.prefix}…)
                    </option>
                  )}
                </For>
              </select>
            </div>
          </Show>
          <TextField label="From" type="date" value={search.from ?? ""} max={search.to || undefined} onChange={(event) => set({ from: event.currentTarget.value })} />
          <TextField label="To (inclusive)" type="date" value={search.to ?? ""} min={search.from || undefined} onChange={(event) => set({ to: event.currentTarget.value })} />
          <Show when={filtered()}>
            <div class="filter-reset">
              <button type="button" class="secondary small" onClick={clearFilters}>
                Clear filters
              </button>
            </div>
          </Show>
        </form>

        <AsyncView
          list={list}
          loading="Loading answers and events…"
          errorTitle="Traces could not be loaded"
          empty={
            <EmptyState title={filtered() ? "Nothing matches these filters" : "No answers or events yet"}>
              {filtered()
                ? "Events take a few seconds to arrive: refresh, widen the dates or clear a filter."
                : "Fetch a prompt with get-prompt, then send events to POST /api/v1/events with the trace_id it returned; both appear here within seconds."}
            </EmptyState>
          }
        >
          <div class="table-scroll" tabindex="0" role="region" aria-label="Answers and events, scrolls sideways">
            <table class="admin-table trace-table">
              <caption class="visually-hidden">Answers and events, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Status</th>
                  <th scope="col">Prompt</th>
                  <th scope="col">Environment</th>
                  <th scope="col">Unit</th>
                  <th scope="col">Latency</th>
                  <th scope="col">Trace</th>
                </tr>
              </thead>
              <tbody>
                <For each={items()}>
                  {(item) => (
                    <tr data-kind={item.kind} data-status={item.status} data-trace={item.trace_id}>
                      <td class="nowrap" title={formatDateTime(item.at)}>
                        <time datetime={item.at}>{formatRelative(item.at)}</time>
                      </td>
                      <td class="trace-what">{item.kind === "exposure" ? <span>Answer</span> : <code>{item.event_name}</code>}</td>
                      <td>
                        <span class="badge" data-tone={STATUS_TONE[item.status]} title={STATUS_HINT[item.status]}>
                          {STATUS_LABEL[item.status]}
                        </span>
                        <Show when={item.error_code}>
                          {" "}
                          <code class="small">{item.error_code}</code>
                        </Show>
                      </td>
                      <td class="trace-prompt">
                        <Show when={item.prompt_id} fallback={<span class="muted">—</span>}>
                          <span class="truncate">{item.prompt_name ?? item.prompt_slug ?? "deleted prompt"}</span>
                          <Show when={item.version_number !== null}>
                            {" "}
                            <span class="muted small">v{item.version_number}</span>
                          </Show>
                          <Show when={item.variant}>
                            {" "}
                            <span class="badge">{item.variant}</span>
                          </Show>
                        </Show>
                      </td>
                      <td>{item.environment ?? <span class="muted">—</span>}</td>
                      <td class="trace-unit">{item.unit_id ? <span class="truncate">{item.unit_id}</span> : <span class="muted">—</span>}</td>
                      <td class="nowrap">{item.kind === "exposure" ? formatLatency(item.latency_ms) : <span class="muted">—</span>}</td>
                      <td>
                        <A class="trace-link" href={`/traces/${encodeURIComponent(item.trace_id)}`}>
                          <code>{item.trace_id}</code>
                        </A>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
          <LoadMore list={list} noun={["row", "rows"]} note={filtered() ? " for these filters" : ""} />
        </AsyncView>
      </section>
    </>
  );
}
