// Platform admin: the platform's own audit log (S3, S4) — users disabled, enabled and deleted,
// platform admins made or revoked, KV rebuilds, aggregation runs on demand, dead letters
// replayed — newest first, each entry expandable to its before and after.
import { createSignal, For, Show } from "solid-js";
import { listPlatformAuditLog } from "~/api/platform-admin";
import { AuditEntryDetails } from "~/admin/audit-entry-details";
import { AsyncView, EmptyState } from "~/components/async-state";
import { LoadMore } from "~/components/load-more";
import { PageHeader } from "~/components/page-header";
import { createCursorList } from "~/lib/cursor-list";
import { formatDateTime, formatRelative } from "~/lib/format";
import { AdminGate, isPlatformAdmin } from "~/platform-admin/admin-gate";

export default function AdminAuditPage() {
  return (
    <AdminGate>
      <AuditSection />
    </AdminGate>
  );
}

function AuditSection() {
  const [open, setOpen] = createSignal<string | null>(null);

  const list = createCursorList({
    deps: isPlatformAdmin,
    fetchPage: (cursor) => listPlatformAuditLog(cursor),
    items: (page) => page.entries,
  });
  const { items: entries } = list;

  return (
    <>
      <PageHeader title="Platform audit log" description="What platform admins (and the make-admin command) did, newest first. Each workspace's own changes are in its audit log." />
      <section class="panel" aria-labelledby="platform-audit-title">
        <h2 id="platform-audit-title" class="visually-hidden">
          Entries
        </h2>
        <AsyncView list={list} loading="Loading the audit log…" errorTitle="The audit log could not be loaded" empty={<EmptyState title="Nothing recorded yet" />}>
          <div class="table-scroll" tabindex="0" role="region" aria-label="Platform audit log, scrolls sideways">
            <table class="admin-table audit-table">
              <caption class="visually-hidden">Platform audit entries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">
                    <span class="visually-hidden">Details</span>
                  </th>
                </tr>
              </thead>
              <For each={entries()}>
                {(entry) => (
                  <tbody class="audit-entry">
                    <tr>
                      <td class="nowrap" title={formatDateTime(entry.created_at)}>
                        {formatRelative(entry.created_at)}
                      </td>
                      <td>{entry.actor ? <span title={entry.actor.email}>{entry.actor.name}</span> : <span class="muted">System</span>}</td>
                      <td>
                        <code class="audit-action">{entry.action}</code>
                      </td>
                      <td>
                        <span class="badge">{entry.target_type}</span> <span class="audit-target">{entry.target_id ?? ""}</span>
                      </td>
                      <td class="row-actions">
                        <button type="button" class="secondary small" aria-expanded={open() === entry.id} onClick={() => setOpen(open() === entry.id ? null : entry.id)}>
                          {open() === entry.id ? "Hide" : "Details"}
                          <span class="visually-hidden"> of {entry.action} at {formatDateTime(entry.created_at)}</span>
                        </button>
                      </td>
                    </tr>
                    <Show when={open() === entry.id}>
                      <tr class="audit-details-row">
                        <td colSpan={5}>
                          <AuditEntryDetails entry={entry} />
                        </td>
                      </tr>
                    </Show>
                  </tbody>
                )}
              </For>
            </table>
          </div>
          <LoadMore list={list} />
        </AsyncView>
      </section>
    </>
  );
}
