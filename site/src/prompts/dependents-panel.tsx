// A snippet's dependents: the prompts whose deployed versions include this one with
// {% include "slug" %}, directly or through other snippets (the path is shown), the snippet
// version each pinned, and whether that is stale — this snippet, or one it brings in, changed.
// One click republishes every stale one with the current texts (production may need approval).
import { createResource, createSignal, For, Show } from "solid-js";
import { describeError } from "~/api/client";
import { call } from "~/api/contract";
import type { RepublishResult, SnippetDependent } from "~/api/snippets";
import { AsyncView } from "~/components/async-state";
import { notify } from "~/components/toasts";

/** The changes below this snippet (the ones through it), which its own version does not show. */
const nestedChanges = (dependent: SnippetDependent) => dependent.changes.filter((change) => change.path.length > dependent.path.length);

export function DependentsPanel(props: { promptId: string; slug: string; canPublish: boolean; refreshKey: unknown; onChanged?: () => void }) {
  const [page, { refetch }] = createResource(
    () => ({ id: props.promptId, key: props.refreshKey }),
    ({ id }) => call("get", "/api/prompts/{promptId}/dependents", { params: { promptId: id } }),
  );
  const [busy, setBusy] = createSignal(false);
  const [outcome, setOutcome] = createSignal<RepublishResult[]>([]);
  // Stale dependents the last republish did not reach (the API takes at most 25 per call).
  const [remaining, setRemaining] = createSignal(0);
  const stale = () => page()?.dependents.filter((dependent) => dependent.stale) ?? [];

  const republish = async () => {
    setBusy(true);
    try {
      const { results, remaining: left } = await call("post", "/api/prompts/{promptId}/dependents/republish", { params: { promptId: props.promptId }, body: {} });
      setOutcome(results);
      setRemaining(left);
      const deployed = results.filter((result) => result.status === "deployed").length;
      const waiting = results.filter((result) => result.status === "pending_approval").length;
      const failed = results.filter((result) => result.status === "failed").length;
      const parts = [`Republished ${deployed} dependent${deployed === 1 ? "" : "s"}`];
      if (waiting > 0) parts.push(`${waiting} waiting for an Admin's approval`);
      if (failed > 0) parts.push(`${failed} failed`);
      if (left > 0) parts.push(`${left} more to republish`);
      notify(parts.join(", "), failed > 0 ? "error" : waiting > 0 ? "info" : "success");
      await refetch();
      props.onChanged?.();
    } catch (error) {
      notify(describeError(error), "error");
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="dependents-heading">
      <h2 id="dependents-heading">Used as a snippet</h2>
      <p class="muted small">
        Prompts that include this one with <code>{`{% include "${props.slug}" %}`}</code> get its text when they are published, from the version the same environment serves.
      </p>
      <AsyncView resource={page} loading="Loading the dependents…" onRetry={() => void refetch()}>
          {(loaded) => (
            <Show when={loaded().dependents.length > 0} fallback={<p class="muted">No published prompt includes this one.</p>}>
              <div class="table-scroll" tabindex="0" role="region" aria-label="Dependents">
                <table>
                  <caption class="visually-hidden">Prompts that include this snippet</caption>
                  <thead>
                    <tr>
                      <th scope="col">Prompt</th>
                      <th scope="col">Environment</th>
                      <th scope="col">Its version</th>
                      <th scope="col">Snippet version used</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={loaded().dependents}>
                      {(dependent) => (
                        <tr data-slug={dependent.slug} data-environment={dependent.environment}>
                          <td>
                            <a href={`/prompts/${dependent.prompt_id}`}>{dependent.name}</a> <code>{dependent.slug}</code>
                            <Show when={dependent.path.length > 2}>
                              <p class="muted small" data-testid="dependent-path">
                                through {dependent.path.slice(1, -1).join(" → ")}
                              </p>
                            </Show>
                          </td>
                          <td>{dependent.environment}</td>
                          <td>v{dependent.version}</td>
                          <td>
                            v{dependent.pinned.version}{" "}
                            <Show
                              when={dependent.stale}
                              fallback={
                                <span class="badge" data-tone="ok">
                                  up to date
                                </span>
                              }
                            >
                              <span class="badge" data-tone="warn">
                                {dependent.current?.version_id === dependent.pinned.version_id ? "stale: a snippet it brings in changed" : dependent.current ? `stale: v${dependent.current.version} is live` : "stale: nothing is live"}
                              </span>
                              <Show when={nestedChanges(dependent).length > 0}>
                                <ul class="muted small" aria-label="Snippets changed below this one" data-testid="dependent-changes">
                                  <For each={nestedChanges(dependent)}>
                                    {(change) => (
                                      <li>
                                        {change.path.slice(1).join(" → ")}: v{change.pinned.version} inlined, {change.current ? `v${change.current.version} is live` : "nothing is live"}
                                      </li>
                                    )}
                                  </For>
                                </ul>
                              </Show>
                            </Show>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <Show when={props.canPublish && stale().length > 0}>
                <div class="row">
                  <button type="button" disabled={busy()} onClick={() => void republish()}>
                    {busy() ? "Republishing…" : `Republish ${stale().length} stale dependent${stale().length === 1 ? "" : "s"}`}
                  </button>
                </div>
              </Show>
              <Show when={remaining() > 0}>
                <p class="muted small" data-testid="republish-remaining">
                  {remaining()} more — republish again
                </p>
              </Show>
              <Show when={outcome().some((result) => result.status !== "deployed")}>
                <ul class="muted small" aria-label="Republish results">
                  <For each={outcome().filter((result) => result.status !== "deployed")}>
                    {(result) => (
                      <li>
                        {result.slug} ({result.environment}): {result.message}
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </Show>
          )}
      </AsyncView>
    </section>
  );
}
