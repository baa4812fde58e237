// Product API keys (E2), Admins only: the workspace's keys (prefix, scopes, environment, own
// rate limit, expiry, last use), a new key shown once, a rate-limit change and revocation, which
// the edge honours within seconds. Revoked keys stay listed (greyed) behind a toggle, for the record.
import { A } from "@solidjs/router";
import { createMemo, createResource, createSignal, For, Show } from "solid-js";
import { listApiKeys, revokeApiKey, type ApiKey } from "~/api/admin";
import { ConfirmDialog } from "~/admin/confirm-dialog";
import { CreateApiKeyDialog } from "~/admin/create-api-key-dialog";
import { EditRateLimitDialog } from "~/admin/edit-rate-limit-dialog";
import { describeRateLimit } from "~/admin/rate-limit-fields";
import { AsyncView, EmptyState } from "~/components/async-state";
import { PageHeader } from "~/components/page-header";
import { RowAction } from "~/components/row-action";
import { notify } from "~/components/toasts";
import { formatDate, formatDateTime, formatRelative } from "~/lib/format";
import { currentWorkspace, isAdmin } from "~/session/session";
import "~/styles/admin.css";

type KeyState = "active" | "expired" | "revoked";

function stateOf(key: ApiKey): KeyState {
  if (key.revoked_at) return "revoked";
  if (key.expires_at && Date.parse(key.expires_at) <= Date.now()) return "expired";
  return "active";
}

const STATE_TONE: Record<KeyState, string> = { active: "ok", expired: "warn", revoked: "bad" };
const STATE_LABEL: Record<KeyState, string> = { active: "Active", expired: "Expired", revoked: "Revoked" };

export default function ApiKeysPage() {
  const [keys, { refetch }] = createResource(() => (isAdmin() ? currentWorkspace()?.id : undefined), () => listApiKeys());
  const [createOpen, setCreateOpen] = createSignal(false);
  const [revoking, setRevoking] = createSignal<ApiKey | null>(null);
  const [editing, setEditing] = createSignal<ApiKey | null>(null);
  const [showRevoked, setShowRevoked] = createSignal(false);

  const revokedCount = () => keys.latest?.filter((key) => key.revoked_at).length ?? 0;
  const visible = createMemo(() => (keys.latest ?? []).filter((key) => showRevoked() || !key.revoked_at));

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys your applications call the Product API with: get-prompt and events. A key is shown once, when it is created."
        actions={
          <Show when={isAdmin()}>
            <button type="button" onClick={() => setCreateOpen(true)}>
              Create API key
            </button>
          </Show>
        }
      />
      <Show
        when={isAdmin()}
        fallback={
          <EmptyState title="Only Admins manage API keys">
            Ask an Admin of {currentWorkspace()?.name} for a key, or to make you an Admin on the Members page.
          </EmptyState>
        }
      >
        <AsyncView
          resource={keys}
          loading="Loading API keys…"
          errorTitle="The API keys could not be loaded"
          onRetry={refetch}
          empty={
            <EmptyState title="No API keys yet" action={<button type="button" onClick={() => setCreateOpen(true)}>Create API key</button>}>
              Create a key for each application or environment, so one can be revoked without touching the others.
            </EmptyState>
          }
        >
          <section class="panel" aria-labelledby="keys-title">
            <div class="panel-head">
              <h2 id="keys-title">Keys</h2>
              <Show when={revokedCount() > 0}>
                <label class="checkbox-field small">
                  <input type="checkbox" checked={showRevoked()} onChange={(event) => setShowRevoked(event.currentTarget.checked)} />
                  Show revoked keys ({revokedCount()})
                </label>
              </Show>
            </div>
            <Show when={visible().length > 0} fallback={<p class="muted">Every key is revoked. Create a new one, or show the revoked keys.</p>}>
              <div class="table-scroll">
                <table class="admin-table api-keys-table">
                  <caption class="visually-hidden">API keys of {currentWorkspace()?.name}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Key</th>
                      <th scope="col">Scopes</th>
                      <th scope="col">Environment</th>
                      <th scope="col">Rate limit</th>
                      <th scope="col">Expires</th>
                      <th scope="col">Last used</th>
                      <th scope="col">Created</th>
                      <th scope="col">Status</th>
                      <th scope="col">
                        <span class="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={visible()}>
                      {(key) => (
                        <tr data-key-id={key.id} data-state={stateOf(key)}>
                          <td class="key-name">{key.name}</td>
                          <td>
                            <code class="key-prefix">{key.prefix}…</code>
                          </td>
                          <td>
                            <span class="chip-list">
                              <For each={key.scopes}>{(scope) => <code class="scope-chip">{scope}</code>}</For>
                            </span>
                          </td>
                          <td>{key.environment ? <span class="badge">{key.environment}</span> : <span class="muted">Any</span>}</td>
                          <td class="nowrap" data-rate-limit>
                            {key.rate_limit ? describeRateLimit(key.rate_limit) : <span class="muted">Workspace default</span>}
                          </td>
                          <td class="nowrap" title={key.expires_at ? formatDateTime(key.expires_at) : undefined}>{key.expires_at ? formatDate(key.expires_at) : <span class="muted">Never</span>}</td>
                          <td title={key.last_used_at ? formatDateTime(key.last_used_at) : "Not used yet (updated every few minutes)"}>
                            {key.last_used_at ? formatRelative(key.last_used_at) : <span class="muted">Never</span>}
                          </td>
                          <td title={formatDateTime(key.created_at)}>{formatDate(key.created_at)}</td>
                          <td>
                            <span class="badge" data-tone={STATE_TONE[stateOf(key)]}>
                              {STATE_LABEL[stateOf(key)]}
                            </span>
                          </td>
                          <td class="row-actions">
                            <A class="button secondary small" href={`/request-log?key=${encodeURIComponent(key.id)}`}>
                              Requests<span class="visually-hidden"> of {key.name}</span>
                            </A>
                            <Show when={!key.revoked_at}>
                              <RowAction label="Rate limit" target={`of ${key.name}`} onClick={() => setEditing(key)} />
                              <RowAction label="Revoke" target={key.name} danger onClick={() => setRevoking(key)} />
                            </Show>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
            <p class="muted small">“Last used” is approximate: it is updated in batches from the edge.</p>
          </section>
        </AsyncView>
      </Show>

      <CreateApiKeyDialog open={createOpen()} onClose={() => setCreateOpen(false)} onCreated={() => void refetch()} />
      <EditRateLimitDialog apiKey={editing()} onClose={() => setEditing(null)} onSaved={() => void refetch()} />
      <ConfirmDialog
        open={revoking() !== null}
        title="Revoke API key"
        confirmLabel="Revoke key"
        danger
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          const key = revoking()!;
          await revokeApiKey(key.id);
          notify(`“${key.name}” was revoked`);
          await refetch();
        }}
      >
        <p>
          Revoke <strong>{revoking()?.name}</strong> (<code>{revoking()?.prefix}…</code>)? Applications using it get 401 from the Product API within seconds. This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
}
