// One trace (issue 17): the get-prompt answer — prompt, version, variant, environment, unit, key,
// latency, the values it was rendered with and its text (re-rendered from the version with those
// values; the edge does not store the text) — and every event sent with its trace id, oldest
// first. Events travel through a queue, so while the trace is fresh (or not found yet) the page
// looks again every few seconds. A trace with events but no answer says so.
import { A, useParams } from "@solidjs/router";
import { createEffect, createSignal, For, onCleanup, Show } from "solid-js";
import { ApiRequestError } from "~/api/client";
import { getTrace, type RenderedStatus, type Trace, type TraceExposure } from "~/api/traces";
import { EmptyState, ErrorNotice, Loading } from "~/components/async-state";
import { PageHeader } from "~/components/page-header";
import { formatDateTime } from "~/lib/format";
import { currentWorkspace } from "~/session/session";
import { formatLatency } from "~/traces/trace-labels";
import "~/styles/admin.css";
import "~/styles/traces.css";

/** How long after its newest row a trace is looked at again, and how often. */
const FOLLOW_MS = 120_000;
const POLL_MS = 3_000;

const RENDERED_WHY: Record<Exclude<RenderedStatus, "re_rendered">, string> = {
  values_not_recorded: "The values were not kept for this answer (an SDK reported it, it is older than the trace explorer, or its values were over 512 characters), so its text cannot be shown.",
  version_deleted: "The version was deleted since, so its text cannot be rendered again.",
  refused: "The edge refused this call, so no text was sent.",
  not_renderable: "The version's template could not be rendered again with these values.",
};

function offset(from: string, to: string): string {
  const ms = Date.parse(to) - Date.parse(from);
  const abs = Math.abs(ms);
  const text = abs < 1_000 ? `${abs} ms` : abs < 120_000 ? `${(abs / 1_000).toFixed(1)} s` : abs < 7_200_000 ? `${Math.round(abs / 60_000)} min` : `${Math.round(abs / 3_600_000)} h`;
  return ms < 0 ? `${text} before the answer` : `${text} after the answer`;
}

const fieldText = (value: string | number | boolean | null) => (value === null ? "null" : typeof value === "string" ? value : String(value));

function Answer(props: { exposure: TraceExposure }) {
  const x = () => props.exposure;
  return (
    <section class="panel trace-answer" aria-labelledby="trace-answer-title">
      <h2 id="trace-answer-title">The answer</h2>
      <dl class="trace-facts">
        <div>
          <dt>Prompt</dt>
          <dd>{x().prompt_slug ? <A href={`/prompts/${x().prompt_id}`}>{x().prompt_name ?? x().prompt_slug}</A> : <span class="muted">deleted prompt</span>}</dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd data-field="version">{x().version_number === null ? <span class="muted">deleted</span> : <A href={`/prompts/${x().prompt_id}?tab=versions`}>v{x().version_number}</A>}</dd>
        </div>
        <div>
          <dt>Variant</dt>
          <dd>
            {x().variant ?? <span class="muted">none</span>}
            <Show when={x().experiment_id}>
              {" "}
              <A class="small" href={`/experiments/${x().experiment_id}`}>
                {x().experiment_name ?? "experiment"}
              </A>
            </Show>
          </dd>
        </div>
        <div>
          <dt>Environment</dt>
          <dd>{x().environment}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <span class="badge" data-tone={x().status === "success" ? "ok" : "bad"}>
              {x().status === "success" ? "Served" : "Refused"}
            </span>
            <Show when={x().error_code}>
              {" "}
              <code>{x().error_code}</code>
            </Show>
          </dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd data-field="latency">{formatLatency(x().latency_ms)}</dd>
        </div>
        <div>
          <dt>Served</dt>
          <dd>
            <time datetime={x().served_at}>{formatDateTime(x().served_at)}</time>
          </dd>
        </div>
        <div>
          <dt>Unit id</dt>
          <dd class="trace-wrap">{x().unit_id ?? <span class="muted">none</span>}</dd>
        </div>
        <div>
          <dt>API key</dt>
          <dd>{x().api_key_name ?? (x().api_key_id ? <code>{x().api_key_id}</code> : <span class="muted">none</span>)}</dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd class="trace-wrap">
            {x().source ?? <span class="muted">none</span>}
            <Show when={x().origin}> · served by the SDK ({x().origin})</Show>
          </dd>
        </div>
      </dl>

      <h3>Values</h3>
      <Show when={x().values} fallback={<p class="muted">{x().status === "error" ? "Not kept." : RENDERED_WHY.values_not_recorded}</p>}>
        {(values) => (
          <Show when={Object.keys(values()).length > 0} fallback={<p class="muted">No values were sent.</p>}>
            <table class="admin-table trace-values">
              <caption class="visually-hidden">Values the answer was rendered with</caption>
              <thead>
                <tr>
                  <th scope="col">Variable</th>
                  <th scope="col">Value</th>
                </tr>
              </thead>
              <tbody>
                <For each={Object.entries(values())}>
                  {([name, value]) => (
                    <tr>
                      <td>
                        <code>{name}</code>
                      </td>
                      <td class="trace-wrap">{fieldText(value)}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        )}
      </Show>

      <h3>Rendered text</h3>
      <Show when={x().rendered.status === "re_rendered"} fallback={<p class="muted">{RENDERED_WHY[x().rendered.status as Exclude<RenderedStatus, "re_rendered">]}</p>}>
        <p class="muted small">Rendered again from v{x().version_number} with the values above (templates are deterministic: this is the text the app received).</p>
        <Show when={x().rendered.content !== null}>
          <pre class="trace-rendered" data-field="rendered">{x().rendered.content}</pre>
        </Show>
        <Show when={x().rendered.messages}>
          {(messages) => (
            <ol class="trace-messages" data-field="rendered">
              <For each={messages()}>
                {(message) => (
                  <li>
                    <span class="badge">{message.role}</span>
                    <pre class="trace-rendered">{message.content}</pre>
                  </li>
                )}
              </For>
            </ol>
          )}
        </Show>
      </Show>
    </section>
  );
}

export default function TracePage() {
  const params = useParams<{ traceId: string }>();
  const [trace, setTrace] = createSignal<Trace | null>(null);
  const [missing, setMissing] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [following, setFollowing] = createSignal(true);
  const opened = Date.now();

  let generation = 0;
  const load = async () => {
    const mine = ++generation;
    const traceId = params.traceId;
    try {
      const answer = await getTrace(traceId);
      if (mine !== generation) return;
      // Unchanged answers leave the page as it is (rows are not redrawn under the reader).
      if (JSON.stringify(answer) !== JSON.stringify(trace())) setTrace(answer);
      setMissing(false);
      setError(null);
    } catch (caught) {
      if (mine !== generation) return;
      if (caught instanceof ApiRequestError && caught.status === 404) {
        setTrace(null);
        setMissing(true);
        setError(null);
      } else setError(caught);
    }
  };
  /** The newest instant the trace shows; the page follows it until it is FOLLOW_MS old. */
  const newest = () => {
    const current = trace();
    const times = [current?.exposure?.served_at, ...(current?.events.map((event) => event.occurred_at) ?? [])].filter(Boolean).map((time) => Date.parse(time!));
    return times.length > 0 ? Math.max(...times) : opened;
  };

  createEffect(() => {
    if (!currentWorkspace()?.id || !params.traceId) return;
    setTrace(null);
    setMissing(false);
    setFollowing(true);
    void load();
    const timer = setInterval(() => {
      if (Date.now() - Math.max(newest(), opened) > FOLLOW_MS) {
        setFollowing(false);
        clearInterval(timer);
        return;
      }
      void load();
    }, POLL_MS);
    onCleanup(() => clearInterval(timer));
  });

  const events = () => trace()?.events ?? [];
  return (
    <>
      <PageHeader title="Trace" description={<code class="trace-wrap">{params.traceId}</code>} back={{ href: "/traces", label: "All traces" }} />
      <Show when={following() && (missing() || trace())}>
        <p class="muted small trace-live" role="status">
          Events arrive through a queue: this page looks again every {POLL_MS / 1_000} seconds.
        </p>
      </Show>
      <Show when={error()}>
        <ErrorNotice error={error()} title="The trace could not be loaded" onRetry={() => void load()} />
      </Show>
      <Show when={!trace() && !missing() && !error()}>
        <Loading label="Loading the trace…" />
      </Show>
      <Show when={missing()}>
        <EmptyState title="Nothing under this trace id yet">
          No answer or event with this trace id has reached this workspace. {following() ? "Events take a few seconds to arrive; this page keeps looking." : "Check the id, and that the app sends events with the same API key's workspace."}
        </EmptyState>
      </Show>
      <Show when={trace()}>
        {(current) => (
          <>
            <Show
              when={current().exposure}
              fallback={
                <section class="panel trace-answer" aria-labelledby="trace-answer-title">
                  <h2 id="trace-answer-title">The answer</h2>
                  <p class="notice" data-kind="warn" data-field="no-exposure">
                    No exposure was found for this trace id: its events are unattributed. The get-prompt answer has not arrived (yet), was reported by no SDK, or the app sent a trace id xR2 never served.
                  </p>
                </section>
              }
            >
              {(exposure) => <Answer exposure={exposure()} />}
            </Show>
            <section class="panel" aria-labelledby="trace-events-title">
              <h2 id="trace-events-title">Events ({events().length}{current().events_truncated ? ", the first 500" : ""})</h2>
              <Show when={events().length > 0} fallback={<p class="muted">No event has been sent with this trace id{following() ? " yet" : ""}.</p>}>
                <div class="table-scroll" tabindex="0" role="region" aria-label="Events of this trace, scrolls sideways">
                  <table class="admin-table trace-events">
                    <caption class="visually-hidden">Events of this trace, oldest first</caption>
                    <thead>
                      <tr>
                        <th scope="col">When</th>
                        <th scope="col">Event</th>
                        <th scope="col">Category</th>
                        <th scope="col">Fields</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={events()}>
                        {(event) => (
                          <tr data-event={event.event_name}>
                            <td class="nowrap">
                              <time datetime={event.occurred_at}>{formatDateTime(event.occurred_at)}</time>
                              <Show when={current().exposure}>
                                <span class="muted small trace-offset">{offset(current().exposure!.served_at, event.occurred_at)}</span>
                              </Show>
                            </td>
                            <td>
                              <code>{event.event_name}</code>
                            </td>
                            <td>{event.category ?? <span class="muted">—</span>}</td>
                            <td class="trace-wrap">
                              <Show when={Object.keys(event.fields).length > 0} fallback={<span class="muted">—</span>}>
                                <For each={Object.entries(event.fields)}>
                                  {([name, value]) => (
                                    <span class="trace-field">
                                      <code>{name}</code> {fieldText(value)}
                                    </span>
                                  )}
                                </For>
                              </Show>
                            </td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              </Show>
            </section>
          </>
        )}
      </Show>
    </>
  );
}
