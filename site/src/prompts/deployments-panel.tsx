// Publishing (P4): what each environment serves, publish / promote / rollback, the production
// approval requests (Admins approve or reject), scheduled deployments, and the deployment history.
import { createMemo, createResource, createSignal, For, Show } from "solid-js";
import { describeError } from "~/api/client";
import { call } from "~/api/contract";
import type { ApprovalRequest, Deployment, DeploymentOutcome, Prompt, VersionSummary } from "~/api/prompts";
import { describePins } from "~/api/snippets";
import { ENVIRONMENTS, type Environment } from "~/api/types";
import { AsyncView } from "~/components/async-state";
import { Dialog } from "~/components/dialog";
import { FormError, SelectField, TextField } from "~/components/field";
import { notify } from "~/components/toasts";
import { formatDateTime, formatRelative } from "~/lib/format";
import { refreshPendingCount } from "~/approvals/pending-count";
import { ScheduledDeploymentsPanel } from "./scheduled-deployments-panel";
import { STATUS_LABEL } from "./versions-panel";

export const ENVIRONMENT_LABEL: Record<Environment, string> = { development: "Development", staging: "Staging", production: "Production" };
const PROMOTE_FROM: Partial<Record<Environment, Environment>> = { staging: "development", production: "staging" };

/** Says what a deployment call did, in a toast. */
export function announce(outcome: DeploymentOutcome, environment: Environment): void {
  if (outcome.status === "pending_approval") notify(`Sent to an Admin for approval before ${environment}`, "info");
  else notify(`Version ${outcome.version} is live in ${outcome.environment}${outcome.action === "rollback" ? " (rolled back)" : ""}`);
}

export function PublishDialog(props: {
  open: boolean;
  promptId: string;
  versions: readonly VersionSummary[];
  initialVersionId: string | null;
  initialEnvironment: Environment;
  needsApproval: (environment: Environment) => boolean;
  unsavedChanges: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const [versionId, setVersionId] = createSignal<string | null>(null);
  const [environment, setEnvironment] = createSignal<Environment | null>(null);
  const [note, setNote] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const chosenVersion = () => versionId() ?? props.initialVersionId ?? props.versions[0]?.id ?? "";
  const chosenEnvironment = () => environment() ?? props.initialEnvironment;
  const close = () => {
    setVersionId(null);
    setEnvironment(null);
    setNote("");
    setError(null);
    props.onClose();
  };
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const target = chosenEnvironment();
      const outcome = await call("put", "/api/prompts/{promptId}/versions/{versionId}/publish", { params: { promptId: props.promptId, versionId: chosenVersion() }, body: { environment: target, ...(note().trim() ? { note: note().trim() } : {}) } });
      announce(outcome, target);
      close();
      props.onDone();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={props.open} title="Publish a version" onClose={close}>
      <form class="stack" onSubmit={submit}>
        <Show when={props.unsavedChanges}>
          <p class="notice" data-kind="warn">
            The editor has unsaved changes. Save the draft first to publish them; this publishes a saved version.
          </p>
        </Show>
        <SelectField label="Version" value={chosenVersion()} onChange={(event) => setVersionId(event.currentTarget.value)}>
          <For each={props.versions}>
            {(version) => (
              <option value={version.id}>
                v{version.version_number} · {STATUS_LABEL[version.status]}
                {version.changelog ? ` · ${version.changelog.slice(0, 60)}` : ""}
              </option>
            )}
          </For>
        </SelectField>
        <SelectField label="Environment" value={chosenEnvironment()} onChange={(event) => setEnvironment(event.currentTarget.value as Environment)}>
          <For each={ENVIRONMENTS}>{(item) => <option value={item}>{ENVIRONMENT_LABEL[item]}</option>}</For>
        </SelectField>
        <TextField label="Note" value={note()} maxLength={500} placeholder="Why (optional, shown in the history)" onInput={(event) => setNote(event.currentTarget.value)} />
        <Show when={props.needsApproval(chosenEnvironment())}>
          <p class="notice">This workspace needs an Admin's approval for production: publishing sends a request, and the version goes live when an Admin approves it.</p>
        </Show>
        <FormError message={error()} />
        <div class="row end">
          <button type="button" class="secondary" onClick={close}>
            Cancel
          </button>
          <button type="submit" disabled={busy() || !chosenVersion()}>
            {busy() ? "Publishing…" : props.needsApproval(chosenEnvironment()) ? "Request approval" : "Publish"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function DeploymentsPanel(props: {
  prompt: Prompt;
  versions: readonly VersionSummary[];
  refreshKey: number;
  canPublish: boolean;
  isAdmin: boolean;
  needsApproval: (environment: Environment) => boolean;
  authorName: (userId: string | null) => string;
  onPublish: (environment: Environment) => void;
  onChanged: () => void;
}) {
  const [extra, setExtra] = createSignal<Deployment[]>([]);
  const [cursor, setCursor] = createSignal<string | null | undefined>(undefined);
  const [history, { refetch: refetchHistory }] = createResource(
    () => ({ id: props.prompt.id, key: props.refreshKey }),
    async ({ id }) => {
      setExtra([]);
      setCursor(undefined);
      return call("get", "/api/prompts/{promptId}/deployments", { params: { promptId: id }, query: { limit: 50 } });
    },
  );
  const nextCursor = () => (cursor() === undefined ? (history()?.next_cursor ?? null) : cursor());
  const deployments = () => [...(history()?.deployments ?? []), ...extra()];
  const loadMore = async () => {
    const next = nextCursor();
    if (!next) return;
    try {
      const page = await call("get", "/api/prompts/{promptId}/deployments", { params: { promptId: props.prompt.id }, query: { limit: 50, cursor: next } });
      setExtra([...extra(), ...page.deployments]);
      setCursor(page.next_cursor);
    } catch (caught) {
      notify(describeError(caught), "error");
    }
  };

  const [approvals, { refetch: refetchApprovals }] = createResource(
    () => ({ id: props.prompt.id, key: props.refreshKey }),
    async ({ id }) => (await call("get", "/api/approvals", { query: { prompt_id: id } })).approvals,
  );

  const versionNumber = (id: string | null) => (id === null ? null : (props.versions.find((version) => version.id === id)?.version_number ?? null));
  const [busy, setBusy] = createSignal<string | null>(null);
  const [rollbackEnvironment, setRollbackEnvironment] = createSignal<Environment | null>(null);

  const act = async (key: string, run: () => Promise<void>) => {
    setBusy(key);
    try {
      await run();
      props.onChanged();
      void refetchHistory();
      void refetchApprovals();
    } catch (caught) {
      notify(describeError(caught), "error");
    } finally {
      setBusy(null);
    }
  };

  const promote = (to: Environment) =>
    act(`promote-${to}`, async () => {
      const outcome = await call("post", "/api/prompts/{promptId}/promote", { params: { promptId: props.prompt.id }, body: { from: PROMOTE_FROM[to]!, to } });
      announce(outcome, to);
    });

  const decide = (approval: ApprovalRequest, approve: boolean) =>
    act(`approval-${approval.id}`, async () => {
      await (approve ? call("post", "/api/approvals/{approvalId}/approve", { params: { approvalId: approval.id }, body: {} }) : call("post", "/api/approvals/{approvalId}/reject", { params: { approvalId: approval.id }, body: {} }));
      void refreshPendingCount();
      notify(approve ? `Approved: version ${versionNumber(approval.version_id) ?? "?"} is live in ${approval.environment}` : "Request rejected");
    });

  /** Versions an environment served before (rollback targets), newest first, without the live one. */
  const earlier = (environment: Environment) => {
    const live = props.prompt.environments[environment]?.version_id;
    const seen = new Set<string>();
    const targets: Array<{ id: string; version: number }> = [];
    for (const deployment of deployments()) {
      if (deployment.environment !== environment || deployment.to_version_id === live || seen.has(deployment.to_version_id)) continue;
      seen.add(deployment.to_version_id);
      targets.push({ id: deployment.to_version_id, version: deployment.version });
    }
    return targets;
  };

  return (
    <div class="stack">
      <section class="panel" aria-labelledby="environments-heading">
        <div class="panel-head">
          <h2 id="environments-heading">Environments</h2>
          <Show when={props.needsApproval("production")}>
            <span class="badge" data-tone="warn">
              Production needs an Admin's approval
            </span>
          </Show>
        </div>
        <div class="environment-grid">
          <For each={ENVIRONMENTS}>
            {(environment) => {
              const live = () => props.prompt.environments[environment];
              const source = PROMOTE_FROM[environment];
              const canPromote = () => source !== undefined && props.prompt.environments[source] !== undefined && props.prompt.environments[source]?.version_id !== live()?.version_id;
              return (
                <article class="environment-card" data-environment={environment} aria-label={ENVIRONMENT_LABEL[environment]}>
                  <h3>{ENVIRONMENT_LABEL[environment]}</h3>
                  <Show when={live()} fallback={<p class="muted environment-live">Nothing published</p>}>
                    {(pointer) => (
                      <p class="environment-live">
                        <strong>v{pointer().version_number}</strong> live <span class="muted small">since {formatRelative(pointer().updated_at)}</span>
                      </p>
                    )}
                  </Show>
                  <Show when={props.canPublish}>
                    <div class="row">
                      <button type="button" class="small" onClick={() => props.onPublish(environment)} disabled={props.versions.length === 0} aria-label={`Publish to ${environment}`}>
                        Publish
                      </button>
                      <Show when={source}>
                        <button
                          type="button"
                          class="small secondary"
                          disabled={!canPromote() || busy() !== null}
                          title={canPromote() ? undefined : `${ENVIRONMENT_LABEL[source!]} serves nothing new to promote`}
                          onClick={() => void promote(environment)}
                          aria-label={`Promote from ${source} to ${environment}`}
                        >
                          Promote from {source}
                        </button>
                      </Show>
                      <button
                        type="button"
                        class="small secondary"
                        disabled={earlier(environment).length === 0 || busy() !== null}
                        title={earlier(environment).length === 0 ? "No earlier version was served here" : undefined}
                        onClick={() => setRollbackEnvironment(environment)}
                        aria-label={`Rollback ${environment}`}
                      >
                        Rollback
                      </button>
                    </div>
                  </Show>
                </article>
              );
            }}
          </For>
        </div>
        <Show when={!props.canPublish}>
          <p class="muted small">Your role can view deployments but not publish.</p>
        </Show>
      </section>

      <Show when={(approvals() ?? []).length > 0}>
        <section class="panel" aria-labelledby="approvals-heading">
          <h2 id="approvals-heading">Waiting for approval</h2>
          <ul class="approval-list">
            <For each={approvals()}>
              {(approval) => (
                <li class="approval">
                  <div>
                    <strong>v{versionNumber(approval.version_id) ?? "?"}</strong> to {approval.environment}, requested by {props.authorName(approval.requested_by_id)}{" "}
                    <span class="muted small">{formatRelative(approval.created_at)}</span>
                    <Show when={approval.comment}>
                      <p class="muted small">“{approval.comment}”</p>
                    </Show>
                  </div>
                  <Show when={props.isAdmin} fallback={<span class="badge" data-tone="warn">Pending</span>}>
                    <div class="row">
                      <button type="button" class="small" disabled={busy() !== null} onClick={() => void decide(approval, true)}>
                        Approve
                      </button>
                      <button type="button" class="small secondary" disabled={busy() !== null} onClick={() => void decide(approval, false)}>
                        Reject
                      </button>
                    </div>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </section>
      </Show>

      <ScheduledDeploymentsPanel promptId={props.prompt.id} versions={props.versions} refreshKey={props.refreshKey} canPublish={props.canPublish} needsApproval={props.needsApproval} onChanged={props.onChanged} />

      <section class="panel" aria-labelledby="history-heading">
        <h2 id="history-heading">Deployment history</h2>
        <AsyncView resource={history} loading="Loading the history…" onRetry={() => void refetchHistory()} isEmpty={() => deployments().length === 0} empty={<p class="muted">Nothing was published yet.</p>}>
          <div class="table-scroll" tabindex="0" role="region" aria-label="Deployment history">
            <table>
              <caption class="visually-hidden">Deployment history</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Environment</th>
                  <th scope="col">Action</th>
                  <th scope="col">Version</th>
                  <th scope="col">By</th>
                  <th scope="col">Note</th>
                </tr>
              </thead>
              <tbody>
                <For each={deployments()}>
                  {(deployment) => (
                    <tr>
                      <td class="nowrap">
                        <time datetime={deployment.created_at} title={formatDateTime(deployment.created_at)}>
                          {formatDateTime(deployment.created_at)}
                        </time>
                      </td>
                      <td>{deployment.environment}</td>
                      <td>
                        <span class="badge" data-tone={deployment.action === "rollback" ? "warn" : "accent"}>
                          {deployment.action}
                        </span>
                        <Show when={deployment.approval === "approved"}>
                          {" "}
                          <span class="badge" data-tone="ok">
                            approved
                          </span>
                        </Show>
                      </td>
                      <td class="nowrap">
                        {versionNumber(deployment.from_version_id) !== null ? `v${versionNumber(deployment.from_version_id)} → ` : ""}v{deployment.version}
                      </td>
                      <td class="deployment-people">
                        <Show when={deployment.approval === "approved"} fallback={deployment.actor_name ?? props.authorName(deployment.actor_user_id)}>
                          Requested by {deployment.requested_by_name ?? props.authorName(deployment.requested_by_id)}, approved by {deployment.actor_name ?? props.authorName(deployment.actor_user_id)}
                        </Show>
                      </td>
                      <td>
                        {deployment.note ?? <span class="muted">–</span>}
                        <Show when={describePins(deployment.includes)}>{(pins) => <div class="muted small">Snippets: {pins()}</div>}</Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
          <Show when={nextCursor()}>
            <div class="load-more">
              <button type="button" class="secondary" onClick={() => void loadMore()}>
                Load more
              </button>
            </div>
          </Show>
        </AsyncView>
      </section>

      <RollbackDialog
        environment={rollbackEnvironment()}
        targets={rollbackEnvironment() ? earlier(rollbackEnvironment()!) : []}
        live={rollbackEnvironment() ? (props.prompt.environments[rollbackEnvironment()!]?.version_number ?? null) : null}
        busy={busy() !== null}
        onClose={() => setRollbackEnvironment(null)}
        onConfirm={(versionId) => {
          const environment = rollbackEnvironment()!;
          void act(`rollback-${environment}`, async () => {
            const outcome = await call("post", "/api/prompts/{promptId}/rollback", { params: { promptId: props.prompt.id }, body: { environment, ...(versionId ? { version_id: versionId } : {}) } });
            announce(outcome, environment);
            setRollbackEnvironment(null);
          });
        }}
      />
    </div>
  );
}

function RollbackDialog(props: {
  environment: Environment | null;
  targets: ReadonlyArray<{ id: string; version: number }>;
  live: number | null;
  busy: boolean;
  onClose: () => void;
  onConfirm: (versionId: string | null) => void;
}) {
  const [choice, setChoice] = createSignal("");
  const label = createMemo(() => (props.environment ? ENVIRONMENT_LABEL[props.environment] : ""));
  return (
    <Dialog
      open={props.environment !== null}
      title={`Rollback ${label().toLowerCase()}`}
      onClose={() => {
        setChoice("");
        props.onClose();
      }}
      footer={
        <>
          <button type="button" class="secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" class="danger" disabled={props.busy} onClick={() => props.onConfirm(choice() || null)}>
            {props.busy ? "Rolling back…" : "Rollback"}
          </button>
        </>
      }
    >
      <div class="stack">
        <p>
          {label()} serves <strong>v{props.live ?? "?"}</strong> now. A rollback re-points it at an earlier version at once; apps get it within seconds.
        </p>
        <SelectField label="Roll back to" value={choice()} onChange={(event) => setChoice(event.currentTarget.value)}>
          <option value="">The version it served before (default)</option>
          <For each={props.targets}>{(target) => <option value={target.id}>v{target.version}</option>}</For>
        </SelectField>
      </div>
    </Dialog>
  );
}
