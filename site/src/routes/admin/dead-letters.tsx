// Platform admin: dead letters (queue messages the consumer could not store), newest first,
// each with its error and body; replay puts one back on the events queue (storing is
// idempotent, so a replay never stores anything twice).
import { createSignal, For, Show } from "solid-js";
import { listDeadLetters, replayDeadLetter, type DeadLetter } from "~/api/platform-admin";
import { describeError } from "~/api/client";
import { AsyncView, EmptyState } from "~/components/async-state";
import { LoadMore } from "~/components/load-more";
import { PageHeader } from "~/components/page-header";
import { notify } from "~/components/toasts";
import { createCursorList } from "~/lib/cursor-list";
import { formatDateTime, formatRelative } from "~/lib/format";
import { AdminGate, isPlatformAdmin } from "~/platform-admin/admin-gate";

type Status = "pending" | "replayed" | "all";

export default function AdminDeadLettersPage() {
  return (
    <AdminGate>
      <DeadLettersSection />
    </AdminGate>
  );
}

function DeadLettersSection() {
  const [status, setStatus] = createSignal<Status>("pending");
  const [replaying, setReplaying] = createSignal<string | null>(null);

  const list = createCursorList({
    deps: () => [status(), isPlatformAdmin()],
    fetchPage: (cursor) => listDeadLetters(status(), cursor),
    items: (page) => page.dead_letters,
  });
  const { items: letters, setItems: setLetters } = list;

  const replay = async (letter: DeadLetter) => {
    setReplaying(letter.id);
    try {
      const replayed = await replayDeadLetter(letter.id);
      setLetters(status() === "pending" ? letters().filter((row) => row.id !== letter.id) : letters().map((row) => (row.id === letter.id ? replayed : row)));
      notify("Put back on the events queue");
    } catch (caught) {
      notify(describeError(caught), "error");
    } finally {
      setReplaying(null);
    }
  };

  return (
    <>
      <PageHeader title="Dead letters" description="Queue messages the consumer could not store after its retries. Fix the cause, then replay: storing is idempotent, so nothing is stored twice." />
      <section class="panel" aria-labelledby="dead-letters-title">
        <h2 id="dead-letters-title" class="visually-hidden">
          Dead letters
        </h2>
        <form class="admin-filters" aria-label="Filter dead letters" onSubmit={(event) => event.preventDefault()}>
          <div class="field">
            <label for="dead-letter-status">Show</label>
            <select id="dead-letter-status" value={status()} onChange={(event) => setStatus(event.currentTarget.value as Status)}>
              <option value="pending">Not replayed</option>
              <option value="replayed">Replayed</option>
              <option value="all">All</option>
            </select>
          </div>
        </form>
        <AsyncView list={list} loading="Loading dead letters…" errorTitle="The dead letters could not be loaded" empty={<EmptyState title={status() === "pending" ? "Nothing waits for a replay" : "No dead letter"}>Every message the consumer received was stored.</EmptyState>}>
          <div class="table-scroll" tabindex="0" role="region" aria-label="Dead letters, scrolls sideways">
            <table class="admin-table">
              <caption class="visually-hidden">Dead letters, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Received</th>
                  <th scope="col">Queue</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Error</th>
                  <th scope="col">Message</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={letters()}>
                  {(letter) => (
                    <tr data-dead-letter-id={letter.id}>
                      <td class="nowrap" title={formatDateTime(letter.received_at)}>
                        {formatRelative(letter.received_at)}
                      </td>
                      <td>
                        <code>{letter.queue}</code>
                      </td>
                      <td class="numeric">{letter.attempts}</td>
                      <td>{letter.error}</td>
                      <td>
                        <details>
                          <summary>Body</summary>
                          <pre class="small">{JSON.stringify(letter.body, null, 2)}</pre>
                        </details>
                      </td>
                      <td class="row-actions">
                        <Show when={letter.replayed_at}>
                          <span class="muted small">Replayed {formatRelative(letter.replayed_at)}</span>
                        </Show>
                        <button type="button" class="secondary small" onClick={() => void replay(letter)} disabled={replaying() === letter.id}>
                          {replaying() === letter.id ? "Replaying…" : letter.replayed_at ? "Replay again" : "Replay"}
                        </button>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
          <LoadMore list={list} />
        </AsyncView>
      </section>
    </>
  );
}
