// The Product API request log (S6), Admins only: one key's recent requests — served and refused
// (401 of a revoked or expired key, 403, 400 for bad variables, 429) — newest first, filtered by
// status or class, route, slug, trace id and date (the API filters; pages follow its cursor).
// Opened from the API keys page (?key=<id>); another key is picked from the list.
import { A, useSearchParams } from "@solidjs/router";
import { createResource, For, Show } from "solid-js";
import { listApiKeyRequests, listApiKeys, type RequestLogFilters } from "~/api/admin";
import { AsyncView, EmptyState } from "~/components/async-state";
import { TextField } from "~/components/field";
import { LoadMore } from "~/components/load-more";
import { PageHeader } from "~/components/page-header";
import { createCursorList } from "~/lib/cursor-list";
import { formatDateTime, formatRelative } from "~/lib/format";
import { useSearchState } from "~/lib/search-state";
import { currentWorkspace, isAdmin } from "~/session/session";
import "~/styles/admin.css";

const PAGE_SIZE = 50;
const STATUS_CHOICES = ["2xx", "4xx", "5xx", "400", "401", "403", "404", "429"];
const ROUTES = ["/api/v1/get-prompt/:slug", "/api/v1/prompts", "/api/v1/prompts/:slug", "/api/v1/events", "/api/v1/exposures"];

function dayStart(day: string, plusDays = 0): string | undefined {
  if (!day) return undefined;
  const date = new Date(`${day}T00:00:00`);
  if (Number.isNaN(date.getTime())) return undefined;
  date.setDate(date.getDate() + plusDays);
  return date.toISOString();
}

const tone = (status: number) => (status < 400 ? "ok" : status < 500 ? "warn" : "bad");

export default function RequestLogPage() {
  const [search, setSearch] = useSearchParams<{ key?: string }>();
  const [keys] = createResource(() => (isAdmin() ? currentWorkspace()?.id : undefined), () => listApiKeys());
  const keyId = () => search.key ?? "";
  // The filters live in the address beside the key (?key=…&status=4xx&slug=…&trace_id=…).
  const address = useSearchState();
  const [status, setStatus] = address.param("status");
  const [route, setRoute] = address.param("route");
  const [slug, setSlug] = address.param("slug");
  const [traceId, setTraceId] = address.param("trace_id");
  const [fromDay, setFromDay] = address.param("from");
  const [toDay, setToDay] = address.param("to");

  const filters = (): RequestLogFilters => ({
    status: status() || undefined,
    route: route() || undefined,
    slug: slug().trim() || undefined,
    trace_id: traceId().trim() || undefined,
    from: dayStart(fromDay()),
    to: dayStart(toDay(), 1),
  });
  const filtered = () => Boolean(status() || route() || slug().trim() || traceId().trim() || fromDay() || toDay());

  const list = createCursorList({
    deps: () => [currentWorkspace()?.id, keyId(), status(), route(), slug(), traceId(), fromDay(), toDay()],
    enabled: () => Boolean(currentWorkspace()?.id && isAdmin() && keyId()),
    fetchPage: (cursor) => listApiKeyRequests(keyId(), filters(), cursor, PAGE_SIZE),
    items: (page) => page.requests,
  });
  const { items: entries } = list;
  const retention = () => list.page()?.retention_days ?? null;

  const clearFilters = () => address.set({ status: undefined, route: undefined, slug: undefined, trace_id: undefined, from: undefined, to: undefined });
  const keyName = () => keys.latest?.find((key) => key.id === keyId());

  return (
    <>
      <PageHeader
        title="Request log"
        description={`What the Product API answered to each key: served and refused requests${retention() ? `, kept ${retention()} days` : ""}. Only the key's prefix is shown.`}
        actions={
          <A class="button secondary" href="/api-keys">
            Back to API keys
          </A>
        }
      />
      <Show
        when={isAdmin()}
        fallback={
          <EmptyState title="Only Admins read the request log">
            Ask an Admin of {currentWorkspace()?.name} to look up a key's requests.
          </EmptyState>
        }
      >
        <section class="panel" aria-labelledby="requests-title">
          <h2 id="requests-title" class="visually-hidden">
            Requests
          </h2>
          <form class="admin-filters audit-filters" role="search" aria-label="Filter the request log" onSubmit={(event) => event.preventDefault()}>
            <div class="field">
              <label for="requests-key">API key</label>
              <select id="requests-key" value={keyId()} onChange={(event) => setSearch({ key: event.currentTarget.value || undefined })}>
                <option value="">Choose a key</option>
                <For each={keys.latest ?? []}>
                  {(key) => (
                    <option value={key.id}>
                      {key.name} ({key.prefix}…){key.revoked_at ? " — revoked" : ""}
                    </option>
                  )}
                </For>
              </select>
            </div>
            <div class="field">
              <label for="requests-status">Status</label>
              <select id="requests-status" value={status()} onChange={(event) => setStatus(event.currentTarget.value)}>
                <option value="">Any status</option>
                <For each={STATUS_CHOICES}>{(choice) => <option value={choice}>{choice}</option>}</For>
              </select>
            </div>
            <div class="field">
              <label for="requests-route">Route</label>
              <select id="requests-route" value={route()} onChange={(event) => setRoute(event.currentTarget.value)}>
                <option value="">Any route</option>
                <For each={ROUTES}>{(choice) => <option value={choice}>{choice}</option>}</For>
              </select>
            </div>
            <TextField label="Slug" spellcheck={false} value={slug()} onChange={(event) => setSlug(event.currentTarget.value)} />
            <TextField label="Trace id" spellcheck={false} placeholder="tr_…" value={traceId()} onChange={(event) => setTraceId(event.currentTarget.value)} />
            <TextField label="From" type="date" value={fromDay()} max={toDay() || undefined} onChange={(event) => setFromDay(event.currentTarget.value)} />
            <TextField label="To (inclusive)" type="date" value={toDay()} min={fromDay() || undefined} onChange={(event) => setToDay(event.currentTarget.value)} />
            <Show when={filtered()}>
              <div class="filter-reset">
                <button type="button" class="secondary small" onClick={clearFilters}>
                  Clear filters
                </button>
              </div>
            </Show>
          </form>

          <Show when={keyId()} fallback={<EmptyState title="Choose a key">Pick one of {currentWorkspace()?.name}'s API keys to see its requests.</EmptyState>}>
            <AsyncView
              list={list}
              loading="Loading requests…"
              errorTitle="The request log could not be loaded"
              empty={
                <EmptyState title={filtered() ? "No request matches these filters" : "No requests yet"}>
                  {filtered() ? "Widen the date range or clear a filter." : `Requests made with ${keyName()?.name ?? "this key"} appear here a few seconds after they reach the edge.`}
                </EmptyState>
              }
            >
              <div class="table-scroll">
                <table class="admin-table request-log-table">
                  <caption class="visually-hidden">Requests of {keyName()?.name ?? "the key"}, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Status</th>
                      <th scope="col">Request</th>
                      <th scope="col">Error</th>
                      <th scope="col">Latency</th>
                      <th scope="col">Source</th>
                      <th scope="col">Trace id</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={entries()}>
                      {(entry) => (
                        <tr data-status={entry.status}>
                          <td class="nowrap" title={formatDateTime(entry.received_at)}>
                            <time datetime={entry.received_at}>{formatRelative(entry.received_at)}</time>
                          </td>
                          <td>
                            <span class="badge" data-tone={tone(entry.status)}>
                              {entry.status}
                            </span>
                          </td>
                          <td>
                            <code>
                              {entry.method} {entry.route}
                            </code>
                            <Show when={entry.slug}>
                              {" "}
                              <span class="muted small">{entry.slug}</span>
                            </Show>
                          </td>
                          <td>{entry.error_code ? <code>{entry.error_code}</code> : <span class="muted">—</span>}</td>
                          <td class="nowrap">{entry.latency_ms.toFixed(1)} ms</td>
                          <td title={entry.user_agent ?? "no user agent"}>
                            {entry.source === "sdk" ? "SDK" : "HTTP"} <span class="muted small">{entry.client}</span>
                          </td>
                          <td>
                            <Show when={entry.trace_id} fallback={<span class="muted">—</span>}>
                              <button type="button" class="secondary small" title="Show only this trace" onClick={() => setTraceId(entry.trace_id!)}>
                                <code>{entry.trace_id}</code>
                              </button>{" "}
                              <A class="small" href={`/traces/${encodeURIComponent(entry.trace_id!)}`}>Open trace<span class="visually-hidden"> {entry.trace_id}</span></A>
                            </Show>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <LoadMore list={list} noun={["request", "requests"]} note={`, all that are kept${filtered() ? " for these filters" : ""}`} />
            </AsyncView>
          </Show>
        </section>
      </Show>
    </>
  );
}
