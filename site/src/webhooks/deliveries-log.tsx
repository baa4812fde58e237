// One endpoint's delivery log: each event sent to it (newest first), its status and every attempt
// (HTTP status, latency, the start of the answer or the error), with "Redeliver" and "Send test
// event", a page at a time. While a delivery is still pending the log refreshes itself, so a test event is seen
// arriving without reloading.
import { createEffect, createSignal, For, onCleanup, Show } from "solid-js";
import { describeError } from "~/api/client";
import { listDeliveries, redeliver, sendTestEvent, type Webhook, type WebhookDelivery } from "~/api/webhooks";
import { AsyncView, EmptyState } from "~/components/async-state";
import { LoadMore } from "~/components/load-more";
import { notify } from "~/components/toasts";
import { createCursorList } from "~/lib/cursor-list";
import { formatDateTime, formatRelative } from "~/lib/format";

const STATUS_TONE: Record<WebhookDelivery["status"], string> = { pending: "warn", succeeded: "ok", failed: "bad" };
const STATUS_LABEL: Record<WebhookDelivery["status"], string> = { pending: "Pending", succeeded: "Delivered", failed: "Failed" };
const REFRESH_MS = 2_000;

function Attempts(props: { delivery: WebhookDelivery }) {
  return (
    <details class="webhook-attempts">
      <summary>
        {props.delivery.attempts} {props.delivery.attempts === 1 ? "attempt" : "attempts"}
      </summary>
      <Show when={props.delivery.attempt_log.length > 0} fallback={<p class="muted small">Not tried yet.</p>}>
        <ol class="stack">
          <For each={props.delivery.attempt_log}>
            {(attempt) => (
              <li data-attempt-id={attempt.id}>
                <span class="badge" data-tone={attempt.succeeded ? "ok" : "bad"}>
                  {attempt.response_status ?? "No answer"}
                </span>{" "}
                <span class="muted small">
                  {attempt.latency_ms} ms · {formatDateTime(attempt.created_at)}
                </span>
                <Show when={attempt.error}>
                  <p class="small">{attempt.error}</p>
                </Show>
                <Show when={attempt.response_excerpt}>
                  <pre class="webhook-excerpt">{attempt.response_excerpt}</pre>
                </Show>
              </li>
            )}
          </For>
        </ol>
      </Show>
    </details>
  );
}

export function DeliveriesLog(props: { webhook: Webhook }) {
  const list = createCursorList({ deps: () => props.webhook.id, fetchPage: (cursor) => listDeliveries(props.webhook.id, cursor ?? undefined), items: (page) => page.deliveries });
  const refetch = () => list.reload();
  const [busy, setBusy] = createSignal<string | null>(null);

  // Refresh while something is on its way; stop when everything has settled.
  createEffect(() => {
    if (list.loading() || !list.items().some((delivery) => delivery.status === "pending")) return;
    const timer = setTimeout(() => void refetch(), REFRESH_MS);
    onCleanup(() => clearTimeout(timer));
  });

  const act = async (key: string, action: () => Promise<unknown>, done: string) => {
    setBusy(key);
    try {
      await action();
      notify(done);
      await refetch();
    } catch (caught) {
      notify(describeError(caught), "error");
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="panel" aria-labelledby="deliveries-title" data-deliveries-of={props.webhook.id}>
      <div class="panel-head">
        <h2 id="deliveries-title">
          Deliveries <span class="muted small">to {props.webhook.url}</span>
        </h2>
        <span class="row">
          <button type="button" class="secondary small" onClick={() => void refetch()}>
            Refresh
          </button>
          <button type="button" class="small" disabled={busy() !== null} onClick={() => void act("test", () => sendTestEvent(props.webhook.id), "Test event sent")}>
            {busy() === "test" ? "Sending…" : "Send test event"}
          </button>
        </span>
      </div>
      <AsyncView
        list={list}
        loading="Loading deliveries…"
        errorTitle="The deliveries could not be loaded"
        empty={<EmptyState title="Nothing sent yet">Events this endpoint subscribes to appear here as they are sent. Send a test event to try the endpoint now.</EmptyState>}
      >
        <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="deliveries-title">
          <table class="admin-table deliveries-table">
            <caption class="visually-hidden">Deliveries to {props.webhook.url}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={list.items()}>
                {(delivery) => (
                  <tr data-delivery-id={delivery.id} data-status={delivery.status}>
                    <td>
                      <code>{delivery.event}</code>
                    </td>
                    <td>
                      <span class="badge" data-tone={STATUS_TONE[delivery.status]}>
                        {STATUS_LABEL[delivery.status]}
                      </span>
                      <Show when={delivery.response_status !== null}>
                        <span class="muted small"> {delivery.response_status}</span>
                      </Show>
                      <Show when={delivery.status === "failed" && delivery.last_error}>
                        <p class="small">{delivery.last_error}</p>
                      </Show>
                    </td>
                    <td>
                      <Attempts delivery={delivery} />
                    </td>
                    <td class="nowrap" title={formatDateTime(delivery.created_at)}>
                      {formatRelative(delivery.created_at)}
                    </td>
                    <td class="row-actions">
                      <button
                        type="button"
                        class="secondary small"
                        disabled={busy() !== null || delivery.status === "pending"}
                        onClick={() => void act(delivery.id, () => redeliver(props.webhook.id, delivery.id), `${delivery.event} sent again`)}
                      >
                        {busy() === delivery.id ? "Sending…" : "Redeliver"}
                        <span class="visually-hidden"> {delivery.event}</span>
                      </button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </AsyncView>
      <Show when={list.loaded() && list.items().length > 0}>
        <LoadMore list={list} noun={["delivery", "deliveries"]} note=", newest first" />
      </Show>
    </section>
  );
}
