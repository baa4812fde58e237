// Settings → Access tokens (issue #16): tokens for the management API that the CLI, CI pipelines
// and MCP clients send. A member sees and revokes their own; an Admin sees every member's and may
// revoke any. A new token is shown once; revoked tokens stay listed behind a toggle, for the record.
import { createMemo, createResource, createSignal, For, Show } from "solid-js";
import { listAccessTokens, revokeAccessToken, type AccessToken } from "~/api/access-tokens";
import { CreateAccessTokenDialog } from "~/access-tokens/create-access-token-dialog";
import { ConfirmDialog } from "~/admin/confirm-dialog";
import { SettingsTabs } from "~/admin/settings-tabs";
import { AsyncView, EmptyState } from "~/components/async-state";
import { PageHeader } from "~/components/page-header";
import { RowAction } from "~/components/row-action";
import { notify } from "~/components/toasts";
import { formatDate, formatDateTime, formatRelative } from "~/lib/format";
import { currentUser, currentWorkspace, isAdmin } from "~/session/session";
import "~/styles/admin.css";

type TokenState = "active" | "expired" | "revoked";

function stateOf(token: AccessToken): TokenState {
  if (token.revoked_at) return "revoked";
  if (token.expires_at && Date.parse(token.expires_at) <= Date.now()) return "expired";
  return "active";
}

const STATE_TONE: Record<TokenState, string> = { active: "ok", expired: "warn", revoked: "bad" };
const STATE_LABEL: Record<TokenState, string> = { active: "Active", expired: "Expired", revoked: "Revoked" };

export default function AccessTokensPage() {
  const [tokens, { refetch }] = createResource(() => currentWorkspace()?.id, () => listAccessTokens());
  const [createOpen, setCreateOpen] = createSignal(false);
  const [revoking, setRevoking] = createSignal<AccessToken | null>(null);
  const [showRevoked, setShowRevoked] = createSignal(false);

  const revokedCount = () => tokens.latest?.filter((token) => token.revoked_at).length ?? 0;
  const visible = createMemo(() => (tokens.latest ?? []).filter((token) => showRevoked() || !token.revoked_at));
  const owner = (token: AccessToken) => (token.created_by.id === currentUser()?.id ? "You" : token.created_by.name || token.created_by.email);

  return (
    <>
      <PageHeader
        title="Access tokens"
        back={{ href: "/settings", label: "Settings" }}
        description="Tokens the xr2 CLI, CI pipelines and MCP clients call the management API with. A token acts as you in this workspace, only through its scopes, and is shown once, when it is created."
        actions={
          <button type="button" onClick={() => setCreateOpen(true)}>
            Create access token
          </button>
        }
      />
      <SettingsTabs />
      <AsyncView
        resource={tokens}
        loading="Loading access tokens…"
        errorTitle="The access tokens could not be loaded"
        onRetry={refetch}
        empty={
          <EmptyState title="No access tokens yet" action={<button type="button" onClick={() => setCreateOpen(true)}>Create access token</button>}>
            Create one token per pipeline or tool, with only the scopes it needs, so each can be revoked alone.
          </EmptyState>
        }
      >
        <section class="panel" aria-labelledby="tokens-title">
          <div class="panel-head">
            <h2 id="tokens-title">{isAdmin() ? "Every member's tokens" : "Your tokens"}</h2>
            <Show when={revokedCount() > 0}>
              <label class="checkbox-field small">
                <input type="checkbox" checked={showRevoked()} onChange={(event) => setShowRevoked(event.currentTarget.checked)} />
                Show revoked tokens ({revokedCount()})
              </label>
            </Show>
          </div>
          <Show when={visible().length > 0} fallback={<p class="muted">Every token is revoked. Create a new one, or show the revoked tokens.</p>}>
            <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="tokens-title">
              <table class="admin-table access-tokens-table">
                <caption class="visually-hidden">Access tokens in {currentWorkspace()?.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Token</th>
                    <th scope="col">Scopes</th>
                    <Show when={isAdmin()}>
                      <th scope="col">Created by</th>
                    </Show>
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
                    {(token) => (
                      <tr data-token-id={token.id} data-state={stateOf(token)}>
                        <td class="key-name">{token.name}</td>
                        <td>
                          <code class="key-prefix">{token.token_prefix}…</code>
                        </td>
                        <td>
                          <span class="chip-list">
                            <For each={token.scopes}>{(scope) => <code class="scope-chip">{scope}</code>}</For>
                          </span>
                        </td>
                        <Show when={isAdmin()}>
                          <td>{owner(token)}</td>
                        </Show>
                        <td class="nowrap" title={token.expires_at ? formatDateTime(token.expires_at) : undefined}>{token.expires_at ? formatDate(token.expires_at) : <span class="muted">Never</span>}</td>
                        <td title={token.last_used_at ? formatDateTime(token.last_used_at) : "Not used yet"}>{token.last_used_at ? formatRelative(token.last_used_at) : <span class="muted">Never</span>}</td>
                        <td title={formatDateTime(token.created_at)}>{formatDate(token.created_at)}</td>
                        <td>
                          <span class="badge" data-tone={STATE_TONE[stateOf(token)]}>
                            {STATE_LABEL[stateOf(token)]}
                          </span>
                        </td>
                        <td class="row-actions">
                          <Show when={!token.revoked_at}>
                            <RowAction label="Revoke" target={token.name} danger onClick={() => setRevoking(token)} />
                          </Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
          <p class="muted small">“Last used” is recorded at most once a minute.</p>
        </section>
      </AsyncView>

      <CreateAccessTokenDialog open={createOpen()} onClose={() => setCreateOpen(false)} onCreated={() => void refetch()} />
      <ConfirmDialog
        open={revoking() !== null}
        title="Revoke access token"
        confirmLabel="Revoke token"
        danger
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          const token = revoking()!;
          await revokeAccessToken(token.id);
          notify(`“${token.name}” was revoked`);
          await refetch();
        }}
      >
        <p>
          Revoke <strong>{revoking()?.name}</strong> (<code>{revoking()?.token_prefix}…</code>)? Anything using it gets 401 on its next call. This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
}
