// Platform admin: every workspace (S4), searched by name, id or the owner's e-mail; each opens
// its members, usage and limits.
import { A } from "@solidjs/router";
import { createEffect, createSignal, For, on } from "solid-js";
import { listWorkspaces } from "~/api/platform-admin";
import { AsyncView, EmptyState } from "~/components/async-state";
import { TextField } from "~/components/field";
import { LoadMore } from "~/components/load-more";
import { PageHeader } from "~/components/page-header";
import { createCursorList } from "~/lib/cursor-list";
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

  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(queryInput, (text) => {
      clearTimeout(timer);
      timer = setTimeout(() => setQuery(text.trim()), 300);
    }),
  );
  const list = createCursorList({
    deps: () => [query(), isPlatformAdmin()],
    fetchPage: (cursor) => listWorkspaces(query() || undefined, cursor),
    items: (page) => page.workspaces,
  });
  const { items: rows } = list;

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
        <AsyncView list={list} loading="Loading workspaces…" errorTitle="The workspaces could not be loaded" empty={<EmptyState title="No workspace matches" />}>
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
          <LoadMore list={list} noun={["workspace", "workspaces"]} />
        </AsyncView>
      </section>
    </>
  );
}
