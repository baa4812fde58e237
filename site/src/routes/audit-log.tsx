// The audit log (S3): who changed what, when, newest first. Filters by actor, action, target
// type and a date range (the API filters; pages follow its cursor), each entry expands to its
// before/after records, and the loaded entries export as CSV. Admins and Members read it.
import { createEffect, createResource, createSignal, For, on, Show } from "solid-js";
import { listAuditLog, listMembers, type AuditEntry, type AuditFilters } from "~/api/admin";
import { AuditEntryDetails } from "~/admin/audit-entry-details";
import { AsyncView, EmptyState } from "~/components/async-state";
import { TextField } from "~/components/field";
import { PageHeader } from "~/components/page-header";
import { downloadText, toCsv } from "~/lib/csv";
import { formatDateTime, formatRelative } from "~/lib/format";
import { useSearchState } from "~/lib/search-state";
import { canEdit, currentWorkspace } from "~/session/session";
import "~/styles/admin.css";

const PAGE_SIZE = 50;

/** The actions and target types the API records, offered as suggestions (any text still filters). */
const KNOWN_ACTIONS = [
  "api_key.create", "api_key.revoke", "approval.request", "event_definition.create", "event_definition.delete", "event_definition.update",
  "experiment.create", "experiment.delete", "experiment.start", "experiment.stop", "experiment.update", "kv.rebuild", "llm_key.delete",
  "member.invite", "member.invite_revoke", "member.join", "member.remove", "member.role_change", "promote", "rollback",
  "prompt.create", "prompt.copy_in", "prompt.copy_out", "prompt.import", "prompt.move_in", "prompt.move_out",
  "tag.create", "tag.delete", "tag.update", "version.create", "version.delete", "version.update",
  "webhook.create", "webhook.delete", "webhook.redeliver", "webhook.rotate_secret", "webhook.update",
  "workspace.create", "workspace.transfer", "workspace.update",
];
const TARGET_TYPES = ["api_key", "approval_request", "event_definition", "experiment", "invitation", "kv_projection", "llm_provider_key", "member", "prompt", "tag", "user", "version", "workspace"];

/** A local calendar day (yyyy-mm-dd) as the instant it starts, optionally the next day's. */
function dayStart(day: string, plusDays = 0): string | undefined {
  if (!day) return undefined;
  const date = new Date(`${day}T00:00:00`);
  if (Number.isNaN(date.getTime())) return undefined;
  date.setDate(date.getDate() + plusDays);
  return date.toISOString();
}

/** What the entry is about in words: the record's name, else the member's, else its id. */
function summary(entry: AuditEntry, memberName: (userId: string) => string | undefined): string {
  const after = entry.after ?? {};
  const before = entry.before ?? {};
  const name = after.name ?? after.slug ?? after.email ?? after.event_name ?? before.name ?? before.slug ?? before.email ?? before.event_name;
  if (typeof name === "string") return name;
  if (entry.target_type === "member" && entry.target_id) return memberName(entry.target_id) ?? entry.target_id;
  return entry.target_id ?? "";
}

export default function AuditLogPage() {
  // The filters live in the address (?actor=…&action=…&target=…&from=…&to=…).
  const address = useSearchState();
  const [actor, setActor] = address.param("actor");
  const [action, setAction] = address.param("action");
  const [actionInput, setActionInput] = createSignal(action());
  const [targetType, setTargetType] = address.param("target");
  const [fromDay, setFromDay] = address.param("from");
  const [toDay, setToDay] = address.param("to");
  const [entries, setEntries] = createSignal<AuditEntry[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [expanded, setExpanded] = createSignal<Set<string>>(new Set());
  const [members] = createResource(() => (canEdit() ? currentWorkspace()?.id : undefined), listMembers);
  const memberName = (userId: string) => members.latest?.find((member) => member.user_id === userId)?.name;

  // The action box filters after a pause in typing.
  let actionTimer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(actionInput, (text) => {
      clearTimeout(actionTimer);
      actionTimer = setTimeout(() => setAction(text.trim()), 300);
    }),
  );
  // Back and forward change the address: the action box follows.
  createEffect(on(action, (value) => value !== actionInput().trim() && setActionInput(value), { defer: true }));

  const filters = (): AuditFilters => ({
    actor_user_id: actor() || undefined,
    action: action() || undefined,
    target_type: targetType() || undefined,
    from: dayStart(fromDay()),
    to: dayStart(toDay(), 1),
  });
  const filtered = () => Boolean(actor() || action() || targetType() || fromDay() || toDay());

  let generation = 0;
  const load = async (reset: boolean) => {
    const mine = ++generation;
    setLoading(true);
    setError(null);
    try {
      const page = await listAuditLog(filters(), reset ? null : cursor(), PAGE_SIZE);
      if (mine !== generation) return;
      setEntries(reset ? page.entries : [...entries(), ...page.entries]);
      setCursor(page.next_cursor);
      setLoaded(true);
    } catch (caught) {
      if (mine === generation) setError(caught);
    } finally {
      if (mine === generation) setLoading(false);
    }
  };

  createEffect(
    on([() => currentWorkspace()?.id, canEdit, actor, action, targetType, fromDay, toDay], ([workspaceId, allowed]) => {
      if (!workspaceId || !allowed) return;
      setExpanded(new Set<string>());
      setLoaded(false);
      void load(true);
    }),
  );

  const toggle = (id: string) => {
    const next = new Set(expanded());
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setExpanded(next);
  };
  const clearFilters = () => {
    setActionInput("");
    address.set({ actor: undefined, action: undefined, target: undefined, from: undefined, to: undefined });
  };
  const exportCsv = () =>
    downloadText(
      `audit-log-${new Date().toISOString().slice(0, 10)}.csv`,
      toCsv(entries(), [
        { header: "created_at", value: (row) => row.created_at },
        { header: "actor_email", value: (row) => row.actor?.email ?? "" },
        { header: "actor_user_id", value: (row) => row.actor_user_id },
        { header: "action", value: (row) => row.action },
        { header: "target_type", value: (row) => row.target_type },
        { header: "target_id", value: (row) => row.target_id },
        { header: "before", value: (row) => (row.before ? JSON.stringify(row.before) : "") },
        { header: "after", value: (row) => (row.after ? JSON.stringify(row.after) : "") },
        { header: "request_id", value: (row) => row.request_id },
      ]),
    );

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change in this workspace: who made it, when, and what it was before and after."
        actions={
          <Show when={canEdit()}>
            <button type="button" class="secondary" onClick={exportCsv} disabled={entries().length === 0}>
              Export CSV ({entries().length} loaded)
            </button>
          </Show>
        }
      />
      <Show
        when={canEdit()}
        fallback={
          <EmptyState title="Viewers cannot read the audit log">
            Admins and Members can. Ask an Admin of {currentWorkspace()?.name} if you need to see who changed something.
          </EmptyState>
        }
      >
        <section class="panel" aria-labelledby="audit-title">
          <h2 id="audit-title" class="visually-hidden">
            Entries
          </h2>
          <form class="admin-filters audit-filters" role="search" aria-label="Filter the audit log" onSubmit={(event) => event.preventDefault()}>
            <div class="field">
              <label for="audit-actor">Actor</label>
              <select id="audit-actor" value={actor()} onChange={(event) => setActor(event.currentTarget.value)}>
                <option value="">Anyone</option>
                <For each={members.latest ?? []}>{(member) => <option value={member.user_id}>{member.name} ({member.email})</option>}</For>
              </select>
            </div>
            <TextField label="Action" list="audit-actions" placeholder="e.g. api_key.revoke" spellcheck={false} value={actionInput()} onInput={(event) => setActionInput(event.currentTarget.value)} />
            <datalist id="audit-actions">
              <For each={KNOWN_ACTIONS}>{(name) => <option value={name} />}</For>
            </datalist>
            <div class="field">
              <label for="audit-target">Target type</label>
              <select id="audit-target" value={targetType()} onChange={(event) => setTargetType(event.currentTarget.value)}>
                <option value="">Any target</option>
                <For each={TARGET_TYPES}>{(name) => <option value={name}>{name}</option>}</For>
              </select>
            </div>
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

          <AsyncView
            list={{ items: entries, loaded, error, retry: () => load(!loaded()) }}
            loading="Loading the audit log…"
            errorTitle="The audit log could not be loaded"
            empty={
              <EmptyState title={filtered() ? "No entry matches these filters" : "Nothing recorded yet"}>
                {filtered() ? "Widen the date range or clear a filter." : "Changes to prompts, members, keys and settings appear here."}
              </EmptyState>
            }
          >
            <div class="table-scroll">
              <table class="admin-table audit-table">
                <caption class="visually-hidden">Audit log entries, newest first</caption>
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
                  {(entry) => {
                    const open = () => expanded().has(entry.id);
                    const detailsId = `audit-${entry.id}`;
                    return (
                      <tbody class="audit-entry" data-action={entry.action}>
                        <tr>
                          <td class="audit-when" title={formatDateTime(entry.created_at)}>
                            <time datetime={entry.created_at}>{formatDateTime(entry.created_at)}</time>
                            <span class="muted small audit-ago">{formatRelative(entry.created_at)}</span>
                          </td>
                          <td class="nowrap">{entry.actor ? <span title={entry.actor.email}>{entry.actor.name}</span> : <span class="muted">System</span>}</td>
                          <td>
                            <code class="audit-action">{entry.action}</code>
                          </td>
                          <td>
                            <span class="badge">{entry.target_type}</span> <span class="audit-target">{summary(entry, memberName)}</span>
                          </td>
                          <td class="row-actions">
                            <button type="button" class="secondary small" aria-expanded={open()} aria-controls={open() ? detailsId : undefined} onClick={() => toggle(entry.id)}>
                              {open() ? "Hide" : "Details"}
                              <span class="visually-hidden"> of {entry.action} at {formatDateTime(entry.created_at)}</span>
                            </button>
                          </td>
                        </tr>
                        <Show when={open()}>
                          <tr class="audit-details-row" id={detailsId}>
                            <td colSpan={5}>
                              <AuditEntryDetails entry={entry} />
                            </td>
                          </tr>
                        </Show>
                      </tbody>
                    );
                  }}
                </For>
              </table>
            </div>
            <div class="load-more">
              <Show when={cursor()} fallback={<p class="muted small">{entries().length === 1 ? "1 entry" : `${entries().length} entries`}, the whole log{filtered() ? " for these filters" : ""}.</p>}>
                <button type="button" class="secondary" onClick={() => void load(false)} disabled={loading()}>
                  {loading() ? "Loading…" : "Load more"}
                </button>
                <span class="muted small">{entries().length} loaded</span>
              </Show>
            </div>
          </AsyncView>
        </section>
      </Show>
    </>
  );
}
