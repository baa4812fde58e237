// Platform admin: every workspace (S4), searched by name, id or the owner's e-mail; each opens
// its members, usage and limits.
import { A } from "@solidjs/router";
import { createEffect, createSignal, For, on, Show } from "solid-js";
import { listWorkspaces, type AdminWorkspace } from "~/api/platform-admin";
import { EmptyState, ErrorNotice, Loading } from "~/components/async-state";
import { TextField } from "~/components/field";
import { PageHeader } from "~/components/page-header";
import { formatDate } from "~/lib/format";
import { AdminGate, isPlatformAdmin } from "~/platform-admin/admin-gate";

export default function AdminWorkspacesPage() {
  return (
    <AdminGate>
      <WorkspacesSection />
    </AdminGate>
  );
}

function WorkspacesSection() {
  const [queryInput, setQueryInput] = createSignal("");
  const [query, setQuery] = createSignal("");
  const [rows, setRows] = createSignal<AdminWorkspace[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loaded, setLoaded] = createSignal(false);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);

  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(queryInput, (text) => {
      clearTimeout(timer);
      timer = setTimeout(() => setQuery(text.trim()), 300);
    }),
  );
  let generation = 0;
  const load = async (reset: boolean) => {
    const mine = ++generation;
    setLoading(true);
    setError(null);
    try {
      const page = await listWorkspaces(query() || undefined, reset ? null : cursor());
      if (mine !== generation) return;
      setRows(reset ? page.workspaces : [...rows(), ...page.workspaces]);
      setCursor(page.next_cursor);
      setLoaded(true);
    } catch (caught) {
      if (mine === generation) setError(caught);
    } finally {
      if (mine === generation) setLoading(false);
    }
  };
  createEffect(
    on([query, isPlatformAdmin], () => {
      setLoaded(false);
      void load(true);
    }),
  );

  return (
    <>
      <PageHeader title="Workspaces" description="Every workspace on this xR2, newest first. Open one for its members, usage this month and limits." />
      <section class="panel" aria-labelledby="workspaces-title">
        <h2 id="workspaces-title" class="visually-hidden">
          Workspaces
        </h2>
        <form class="admin-filters" role="search" aria-label="Search workspaces" onSubmit={(event) => event.preventDefault()}>
          <TextField label="Search" type="search" placeholder="Name, id or owner's e-mail" value={queryInput()} onInput={(event) => setQueryInput(event.currentTarget.value)} />
        </form>
        <Show when={error()}>
          <ErrorNotice error={error()} title="The workspaces could not be loaded" onRetry={() => void load(!loaded())} />
        </Show>
        <Show when={!loaded() && !error()}>
          <Loading label="Loading workspaces…" />
        </Show>
        <Show when={loaded() && rows().length === 0 && !error()}>
          <EmptyState title="No workspace matches" />
        </Show>
        <Show when={loaded() && rows().length > 0}>
          <div class="table-scroll" tabindex="0" role="region" aria-label="Workspaces, scrolls sideways">
            <table class="admin-table">
              <caption class="visually-hidden">Workspaces, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Members</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                <For each={rows()}>
                  {(workspace) => (
                    <tr>
                      <td>
                        <A href={`/admin/workspaces/${encodeURIComponent(workspace.id)}`}>{workspace.name}</A>
                        <div class="muted small">
                          <code>{workspace.id}</code>
                        </div>
                      </td>
                      <td>
                        {workspace.owner.name} <span class="muted small">{workspace.owner.email}</span>
                      </td>
                      <td>{workspace.member_count}</td>
                      <td class="nowrap">{formatDate(workspace.created_at)}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
          <div class="load-more">
            <Show when={cursor()} fallback={<p class="muted small">{rows().length === 1 ? "1 workspace" : `${rows().length} workspaces`}.</p>}>
              <button type="button" class="secondary" onClick={() => void load(false)} disabled={loading()}>
                {loading() ? "Loading…" : "Load more"}
              </button>
            </Show>
          </div>
        </Show>
      </section>
    </>
  );
}
