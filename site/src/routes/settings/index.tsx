// Workspace settings: its name, whether publishing to production waits for an Admin's
// approval (P4), and the limits and quotas in force (E3, set by the platform admin). Admins
// edit, and may delete the workspace (its danger zone); everyone else reads. LLM provider keys
// have their own tab.
import { createResource, createSignal, For, Show } from "solid-js";
import { describeError } from "~/api/client";
import { getWorkspace, listLimits, listMembers, updateWorkspace, type WorkspaceDetails, type WorkspaceLimit } from "~/api/admin";
import { DeleteWorkspaceZone } from "~/admin/delete-workspace-zone";
import { SettingsTabs } from "~/admin/settings-tabs";
import { AsyncView } from "~/components/async-state";
import { CopyButton } from "~/components/copy-button";
import { FormError, TextField } from "~/components/field";
import { PageHeader } from "~/components/page-header";
import { notify } from "~/components/toasts";
import { limitLabel, limitValueText, usageText } from "~/lib/limits";
import { currentUser, currentWorkspace, isAdmin, reloadWorkspaces, workspaces } from "~/session/session";
import "~/styles/admin.css";

const SOURCE_LABEL: Record<WorkspaceLimit["source"], string> = { key: "Set on the key", workspace: "Set for this workspace", global: "Platform default", default: "Built-in default" };

function NameForm(props: { workspace: WorkspaceDetails; onSaved: (workspace: WorkspaceDetails) => void }) {
  const [name, setName] = createSignal(props.workspace.name);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const changed = () => name().trim() !== props.workspace.name && name().trim() !== "";
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onSaved(await updateWorkspace(props.workspace.id, { name: name().trim() }));
      notify("Workspace renamed");
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="stack" onSubmit={submit}>
      <TextField label="Workspace name" name="name" required maxLength={100} value={name()} onInput={(event) => setName(event.currentTarget.value)} error={error()} />
      <div>
        <button type="submit" disabled={busy() || !changed()}>
          {busy() ? "Saving…" : "Save name"}
        </button>
      </div>
    </form>
  );
}

function ApprovalForm(props: { workspace: WorkspaceDetails; onSaved: (workspace: WorkspaceDetails) => void }) {
  const [required, setRequired] = createSignal(props.workspace.require_production_approval);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = await updateWorkspace(props.workspace.id, { require_production_approval: required() });
      props.onSaved(saved);
      notify(saved.require_production_approval ? "Production publishes now need an Admin's approval" : "Production publishes no longer need approval");
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="stack" onSubmit={submit}>
      <label class="checkbox-field">
        <input type="checkbox" checked={required()} onChange={(event) => setRequired(event.currentTarget.checked)} />
        <span>Require an Admin's approval before a version reaches production</span>
      </label>
      <p class="field-hint">Members then request a production publish or rollback and an Admin approves it; development and staging stay immediate.</p>
      <FormError message={error()} />
      <div>
        <button type="submit" disabled={busy() || required() === props.workspace.require_production_approval}>
          {busy() ? "Saving…" : "Save"}
        </button>
      </div>
    </form>
  );
}

export default function SettingsPage() {
  const workspaceId = () => currentWorkspace()?.id;
  const [workspace, { refetch, mutate }] = createResource(workspaceId, getWorkspace);
  const [limits, { refetch: refetchLimits }] = createResource(workspaceId, listLimits);
  const [members] = createResource(workspaceId, listMembers);
  const owner = () => {
    const ownerId = workspace.latest?.owner_id;
    const member = members.latest?.find((candidate) => candidate.user_id === ownerId);
    if (!member) return ownerId ?? "";
    return ownerId === currentUser()?.id ? `${member.name} (you)` : `${member.name} (${member.email})`;
  };
  const saved = (next: WorkspaceDetails) => {
    mutate(next);
    void reloadWorkspaces(next.id);
  };

  return (
    <>
      <PageHeader title="Settings" description="How this workspace is named and run." />
      <SettingsTabs />
      <div class="stack settings-stack">
        <Show when={!isAdmin()}>
          <p class="notice">Only Admins change these settings. You can read them.</p>
        </Show>
        <AsyncView resource={workspace} loading="Loading settings…" errorTitle="The workspace could not be loaded" onRetry={refetch}>
          {(details) => (
            <>
              <section class="panel" aria-labelledby="general-title">
                <h2 id="general-title">Workspace</h2>
                <div class="stack">
                  <Show
                    when={isAdmin()}
                    fallback={
                      <dl class="key-value">
                        <dt>Name</dt>
                        <dd>{details().name}</dd>
                      </dl>
                    }
                  >
                    {/* Keyed on the id: switching workspace starts the form afresh. */}
                    <For each={[details().id]}>{() => <NameForm workspace={details()} onSaved={saved} />}</For>
                  </Show>
                  <dl class="key-value">
                    <dt>Workspace id</dt>
                    <dd class="row">
                      <code>{details().id}</code>
                      <CopyButton value={details().id} label="Copy id" />
                    </dd>
                    <dt>Owner</dt>
                    <dd>{owner()}</dd>
                    <dt>Your workspaces</dt>
                    <dd>{workspaces().length}</dd>
                  </dl>
                </div>
              </section>

              <section class="panel" aria-labelledby="approval-title">
                <h2 id="approval-title">Production publishing</h2>
                <Show
                  when={isAdmin()}
                  fallback={
                    <p>
                      {details().require_production_approval
                        ? "Publishing to production needs an Admin's approval."
                        : "Members and Admins publish to production directly; no approval is needed."}
                    </p>
                  }
                >
                  <For each={[details().id]}>{() => <ApprovalForm workspace={details()} onSaved={saved} />}</For>
                </Show>
              </section>
            </>
          )}
        </AsyncView>

        <section class="panel" aria-labelledby="limits-title">
          <div class="panel-head">
            <h2 id="limits-title">Limits and quotas</h2>
            <span class="muted small">Set by the platform admin</span>
          </div>
          <AsyncView resource={limits} loading="Loading limits…" errorTitle="The limits could not be loaded" onRetry={refetchLimits}>
            {(list) => (
              // Focusable: at 375 px the table scrolls sideways, and keyboard users must reach it.
              <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="limits-title">
                <table class="admin-table limits-table">
                  <caption class="visually-hidden">Limits and quotas in force</caption>
                  <thead>
                    <tr>
                      <th scope="col">Limit</th>
                      <th scope="col" class="numeric">
                        Value
                      </th>
                      <th scope="col">Source</th>
                      <th scope="col" class="numeric">
                        Used this period
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={list()}>
                      {(limit) => (
                        <tr data-limit={limit.name}>
                          <td>{limitLabel(limit.name)}</td>
                          <td class="numeric">{limit.value === null ? <span class="muted">Unlimited</span> : limitValueText(limit)}</td>
                          <td class="muted">{SOURCE_LABEL[limit.source]}</td>
                          <td class="numeric" data-usage={limit.usage ? "" : undefined} title={limit.usage ? `Resets ${new Date(limit.usage.resets_at).toUTCString()}` : undefined}>
                            {usageText(limit)}
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            )}
          </AsyncView>
          <p class="muted small">
            The platform admin sets these; ask them to change one. An Admin sets a key's own rate limit on the API keys page. Monthly quotas reset on the first of the month (UTC); past one,
            the Product API answers 429 QUOTA_EXCEEDED.
          </p>
        </section>

        {/* Last on the page, and keyed on the id so that switching workspace clears the typed name. */}
        <Show when={isAdmin() && workspace.latest}>
          {(details) => <For each={[details().id]}>{() => <DeleteWorkspaceZone workspace={details()} />}</For>}
        </Show>
      </div>
    </>
  );
}
