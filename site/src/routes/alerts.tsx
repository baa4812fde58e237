// Alerts (issue #18): the workspace's threshold rules with their state, each rule's history of
// firing and resolving, and the notifications list (every rule's transitions, newest first).
// Admins and Members create, edit and delete rules; Viewers read. Rules are judged by the
// scheduled aggregation job, so a new rule shows "ok" until the job finds its condition true.
import { createMemo, createResource, createSignal, For, Show } from "solid-js";
import { ALERT_METRICS, deleteAlertRule, listAlertHistory, listAlertRules, listNotifications, type AlertEvent, type AlertRule } from "~/api/alerts";
import { call } from "~/api/contract";
import { ConfirmDialog } from "~/admin/confirm-dialog";
import { AlertRuleDialog } from "~/alerts/alert-rule-dialog";
import { AsyncView, EmptyState } from "~/components/async-state";
import { Dialog } from "~/components/dialog";
import { PageHeader } from "~/components/page-header";
import { RowAction } from "~/components/row-action";
import { notify } from "~/components/toasts";
import { formatDateTime, formatRelative } from "~/lib/format";
import { canEdit, currentWorkspace } from "~/session/session";
import "~/styles/admin.css";

const metricLabel = (metric: AlertRule["metric"]) => ALERT_METRICS.find((entry) => entry.value === metric)?.label ?? metric;
const valueText = (value: number | null) => (value === null ? "—" : String(Number(value.toPrecision(4))));
const windowText = (minutes: number) => (minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`);

function StateBadge(props: { rule: AlertRule }) {
  return (
    <Show when={props.rule.enabled} fallback={<span class="badge">Disabled</span>}>
      <span class="badge" data-tone={props.rule.state === "firing" ? "bad" : "ok"} data-state={props.rule.state}>
        {props.rule.state === "firing" ? "Firing" : "OK"}
      </span>
    </Show>
  );
}

function EventsTable(props: { events: AlertEvent[]; caption: string; withRule?: boolean }) {
  return (
    <div class="table-scroll">
      <table class="admin-table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <Show when={props.withRule}>
              <th scope="col">Rule</th>
            </Show>
            <th scope="col">What</th>
            <th scope="col">Value</th>
            <th scope="col">Threshold</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.events}>
            {(event) => (
              <tr data-kind={event.kind}>
                <td title={formatDateTime(event.occurred_at)}>{formatRelative(event.occurred_at)}</td>
                <Show when={props.withRule}>
                  <td>{event.rule_name}</td>
                </Show>
                <td>
                  <span class="badge" data-tone={event.kind === "fired" ? "bad" : "ok"}>
                    {event.kind === "fired" ? "Fired" : "Resolved"}
                  </span>
                </td>
                <td>{valueText(event.value)}</td>
                <td>{valueText(event.threshold)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

function HistoryDialog(props: { rule: AlertRule | null; onClose: () => void }) {
  const [history] = createResource(() => props.rule?.id, (id) => listAlertHistory(id));
  return (
    <Dialog open={props.rule !== null} wide title={`History of ${props.rule?.name ?? ""}`} onClose={props.onClose}>
      <AsyncView resource={history} loading="Loading the history…" errorTitle="The history could not be loaded" isEmpty={(page) => page.events.length === 0} empty={<EmptyState title="Never fired">The rule has not fired since it was created.</EmptyState>}>
        {(page) => <EventsTable events={page().events} caption={`History of ${props.rule?.name ?? ""}`} />}
      </AsyncView>
    </Dialog>
  );
}

export default function AlertsPage() {
  const workspaceId = () => currentWorkspace()?.id;
  const [rules, { refetch, mutate }] = createResource(workspaceId, () => listAlertRules());
  const [notifications, notificationsActions] = createResource(workspaceId, () => listNotifications());
  const [prompts] = createResource(workspaceId, async () => (await call("get", "/api/prompts", { query: { limit: 100 } })).prompts);
  const [dialogOpen, setDialogOpen] = createSignal(false);
  const [editing, setEditing] = createSignal<AlertRule | null>(null);
  const [deleting, setDeleting] = createSignal<AlertRule | null>(null);
  const [historyOf, setHistoryOf] = createSignal<AlertRule | null>(null);

  const promptNames = createMemo(() => new Map((prompts.latest ?? []).map((prompt) => [prompt.id, prompt.name])));
  const scopeText = (rule: AlertRule) => (rule.prompt_id === null ? "Whole workspace" : (promptNames().get(rule.prompt_id) ?? rule.prompt_id));
  const openNew = () => {
    setEditing(null);
    setDialogOpen(true);
  };
  const openEdit = (rule: AlertRule) => {
    setEditing(rule);
    setDialogOpen(true);
  };
  const saved = (rule: AlertRule) => {
    const list = rules.latest ?? [];
    const exists = list.some((item) => item.id === rule.id);
    mutate(exists ? list.map((item) => (item.id === rule.id ? rule : item)) : [...list, rule]);
    notify(exists ? `“${rule.name}” saved` : `“${rule.name}” created`);
  };

  return (
    <>
      <PageHeader
        title="Alerts"
        description="Rules on error rate, latency, traffic, cost, conversion or an experiment's split. A rule fires once when its condition holds, resolves once when it stops, and notifies your webhooks each time."
        actions={
          <Show when={canEdit()}>
            <button type="button" onClick={openNew}>
              New rule
            </button>
          </Show>
        }
      />
      <div class="stack">
        <Show when={!canEdit()}>
          <p class="notice">Viewers read the rules; Members and Admins change them.</p>
        </Show>
        <AsyncView
          resource={rules}
          loading="Loading alert rules…"
          errorTitle="The alert rules could not be loaded"
          onRetry={refetch}
          empty={
            <EmptyState title="No alert rules yet" action={canEdit() ? <button type="button" onClick={openNew}>New rule</button> : undefined}>
              Create a rule such as “error rate above 5 % in production” to hear about a problem before your users report it.
            </EmptyState>
          }
        >
          <section class="panel" aria-labelledby="rules-title">
            <h2 id="rules-title">Rules</h2>
            <div class="table-scroll">
              <table class="admin-table">
                <caption class="visually-hidden">Alert rules</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Metric</th>
                    <th scope="col">Scope</th>
                    <th scope="col">Environment</th>
                    <th scope="col">Threshold</th>
                    <th scope="col">Window</th>
                    <th scope="col">State</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={rules.latest ?? []}>
                    {(rule) => (
                      <tr data-rule-id={rule.id}>
                        <td>{rule.name}</td>
                        <td>{metricLabel(rule.metric)}</td>
                        <td>{scopeText(rule)}</td>
                        <td>{rule.environment ?? <span class="muted">Every</span>}</td>
                        <td class="nowrap">
                          {rule.comparison === "above" ? "Above" : "Below"} {valueText(rule.threshold)}
                        </td>
                        <td>{windowText(rule.window_minutes)}</td>
                        <td title={rule.last_evaluated_at ? `Last judged ${formatDateTime(rule.last_evaluated_at)}, value ${valueText(rule.last_value)}` : "Not judged yet"}>
                          <StateBadge rule={rule} />
                        </td>
                        <td class="row-actions">
                          <RowAction label="History" target={`of ${rule.name}`} onClick={() => setHistoryOf(rule)} />
                          <Show when={canEdit()}>
                            <RowAction label="Edit" target={rule.name} onClick={() => openEdit(rule)} />
                            <RowAction label="Delete" target={rule.name} danger onClick={() => setDeleting(rule)} />
                          </Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </section>
        </AsyncView>

        <section class="panel" aria-labelledby="notifications-title">
          <h2 id="notifications-title">Notifications</h2>
          <AsyncView
            resource={notifications}
            loading="Loading notifications…"
            errorTitle="The notifications could not be loaded"
            onRetry={notificationsActions.refetch}
            isEmpty={(page) => page.events.length === 0}
            empty={<EmptyState title="No notifications">When a rule fires or resolves, it is listed here.</EmptyState>}
          >
            {(page) => <EventsTable events={page().events} caption="Notifications" withRule />}
          </AsyncView>
        </section>
      </div>

      <AlertRuleDialog open={dialogOpen()} editing={editing()} prompts={prompts.latest ?? []} onClose={() => setDialogOpen(false)} onSaved={saved} />
      <HistoryDialog rule={historyOf()} onClose={() => setHistoryOf(null)} />
      <ConfirmDialog
        open={deleting() !== null}
        title="Delete alert rule"
        confirmLabel="Delete"
        danger
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          const rule = deleting()!;
          await deleteAlertRule(rule.id);
          mutate((rules.latest ?? []).filter((item) => item.id !== rule.id));
          notify(`“${rule.name}” deleted`);
        }}
      >
        <p>
          Delete <strong>{deleting()?.name}</strong> and its history? It no longer notifies anyone.
        </p>
      </ConfirmDialog>
    </>
  );
}
