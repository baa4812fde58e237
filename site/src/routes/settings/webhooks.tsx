// Settings → Webhooks (S7, issue #18), Admins only: the workspace's webhook and Slack endpoints
// (URL, kind, events, active or disabled and why), a new endpoint's signing secret shown once, a
// rotation (the new secret shown once, the old one still signing for the overlap), edit, delete,
// and per endpoint the delivery log with redelivery and a test event. The e-mail that tells Admins
// an endpoint was disabled links here.
import { createResource, createSignal, For, Show } from "solid-js";
import { deleteWebhook, listWebhooks, rotateWebhookSecret, type Webhook, type WebhookWithSecret } from "~/api/webhooks";
import { ConfirmDialog } from "~/admin/confirm-dialog";
import { SettingsTabs } from "~/admin/settings-tabs";
import { AsyncView, EmptyState } from "~/components/async-state";
import { Dialog } from "~/components/dialog";
import { PageHeader } from "~/components/page-header";
import { RowAction } from "~/components/row-action";
import { notify } from "~/components/toasts";
import { formatDateTime } from "~/lib/format";
import { currentWorkspace, isAdmin } from "~/session/session";
import { CreateWebhookDialog } from "~/webhooks/create-webhook-dialog";
import { DeliveriesLog } from "~/webhooks/deliveries-log";
import { EditWebhookDialog } from "~/webhooks/edit-webhook-dialog";
import { SecretOnce } from "~/webhooks/secret-once";
import "~/styles/admin.css";

const KIND_LABEL: Record<Webhook["kind"], string> = { standard: "Webhook", slack: "Slack" };

function EndpointStatus(props: { webhook: Webhook }) {
  return (
    <Show
      when={props.webhook.active}
      fallback={
        <>
          <span class="badge" data-tone="bad">
            {props.webhook.disabled_reason ? "Disabled by xR2" : "Off"}
          </span>
          <Show when={props.webhook.disabled_reason}>
            <p class="small" title={props.webhook.disabled_at ? formatDateTime(props.webhook.disabled_at) : undefined}>
              {props.webhook.disabled_reason}
            </p>
          </Show>
        </>
      }
    >
      <span class="badge" data-tone={props.webhook.consecutive_failures > 0 ? "warn" : "ok"}>
        Active
      </span>
      <Show when={props.webhook.consecutive_failures > 0}>
        <p class="small">{props.webhook.consecutive_failures} failed in a row</p>
      </Show>
    </Show>
  );
}

export default function WebhooksPage() {
  const [webhooks, { refetch, mutate }] = createResource(() => (isAdmin() ? currentWorkspace()?.id : undefined), () => listWebhooks());
  const [createOpen, setCreateOpen] = createSignal(false);
  const [editing, setEditing] = createSignal<Webhook | null>(null);
  const [deleting, setDeleting] = createSignal<Webhook | null>(null);
  const [rotating, setRotating] = createSignal<Webhook | null>(null);
  const [rotated, setRotated] = createSignal<WebhookWithSecret | null>(null);
  const [logOf, setLogOf] = createSignal<string | null>(null);
  const shownLog = () => webhooks.latest?.find((webhook) => webhook.id === logOf()) ?? null;
  const replace = (saved: Webhook) => mutate((list) => list?.map((webhook) => (webhook.id === saved.id ? saved : webhook)));

  return (
    <>
      <PageHeader
        title="Webhooks"
        back={{ href: "/settings", label: "Settings" }}
        description="Endpoints that hear about changes in this workspace as they happen: publishes, rollbacks, approvals, experiments, alerts and API keys. Each delivery is signed (Standard Webhooks); a Slack endpoint gets a readable message."
        actions={
          <Show when={isAdmin()}>
            <button type="button" onClick={() => setCreateOpen(true)}>
              Add endpoint
            </button>
          </Show>
        }
      />
      <SettingsTabs />
      <Show
        when={isAdmin()}
        fallback={
          <EmptyState title="Only Admins manage webhooks">
            Ask an Admin of {currentWorkspace()?.name} to add an endpoint, or to make you an Admin on the Members page.
          </EmptyState>
        }
      >
        <AsyncView
          resource={webhooks}
          loading="Loading webhooks…"
          errorTitle="The webhooks could not be loaded"
          onRetry={refetch}
          empty={
            <EmptyState title="No endpoints yet" action={<button type="button" onClick={() => setCreateOpen(true)}>Add endpoint</button>}>
              Add an https endpoint of yours, or a Slack incoming-webhook URL, and choose the events it hears about.
            </EmptyState>
          }
        >
          <div class="stack">
            <section class="panel" aria-labelledby="endpoints-title">
              <h2 id="endpoints-title">Endpoints</h2>
              <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="endpoints-title">
                <table class="admin-table webhooks-table">
                  <caption class="visually-hidden">Webhook endpoints of {currentWorkspace()?.name}</caption>
                  <thead>
                    <tr>
                      <th scope="col">URL</th>
                      <th scope="col">Kind</th>
                      <th scope="col">Events</th>
                      <th scope="col">Status</th>
                      <th scope="col">
                        <span class="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={webhooks.latest}>
                      {(webhook) => (
                        <tr data-webhook-id={webhook.id} data-active={webhook.active ? "true" : "false"}>
                          <td>
                            <code class="webhook-url">{webhook.url}</code>
                            <Show when={webhook.description}>
                              <p class="muted small">{webhook.description}</p>
                            </Show>
                            <Show when={webhook.previous_secret_expires_at}>
                              <p class="muted small">Previous secret valid until {formatDateTime(webhook.previous_secret_expires_at)}</p>
                            </Show>
                          </td>
                          <td>
                            <span class="badge">{KIND_LABEL[webhook.kind]}</span>
                          </td>
                          <td>
                            <span class="chip-list">
                              <For each={webhook.events}>{(event) => <code class="scope-chip">{event}</code>}</For>
                            </span>
                          </td>
                          <td>
                            <EndpointStatus webhook={webhook} />
                          </td>
                          <td class="row-actions">
                            <RowAction label="Deliveries" target={`to ${webhook.url}`} pressed={logOf() === webhook.id} onClick={() => setLogOf(logOf() === webhook.id ? null : webhook.id)} />
                            <RowAction label="Edit" target={webhook.url} onClick={() => setEditing(webhook)} />
                            <RowAction label="Rotate secret" target={`of ${webhook.url}`} onClick={() => setRotating(webhook)} />
                            <RowAction label="Delete" target={webhook.url} danger onClick={() => setDeleting(webhook)} />
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </section>
            {/* Keyed on the id: another endpoint's log starts afresh. */}
            <Show when={shownLog()} keyed>
              {(webhook) => <DeliveriesLog webhook={webhook} />}
            </Show>
          </div>
        </AsyncView>
      </Show>

      <CreateWebhookDialog open={createOpen()} onClose={() => setCreateOpen(false)} onCreated={() => void refetch()} />
      <EditWebhookDialog
        webhook={editing()}
        onClose={() => setEditing(null)}
        onSaved={(saved) => {
          replace(saved);
          notify("Endpoint saved");
        }}
      />
      <ConfirmDialog
        open={rotating() !== null}
        title="Rotate signing secret"
        confirmLabel="Rotate secret"
        onClose={() => setRotating(null)}
        onConfirm={async () => {
          const answer = await rotateWebhookSecret(rotating()!.id);
          const { secret: _secret, ...endpoint } = answer;
          replace(endpoint);
          setRotated(answer);
        }}
      >
        <p>
          Make a new signing secret for <code>{rotating()?.url}</code>? The current secret keeps signing deliveries alongside the new one for 24 hours, so your receiver can switch over
          without missing any.
        </p>
      </ConfirmDialog>
      <Dialog
        open={rotated() !== null}
        title="Copy the new signing secret"
        onClose={() => setRotated(null)}
        footer={
          <button type="button" onClick={() => setRotated(null)}>
            I have copied the secret
          </button>
        }
      >
        <Show when={rotated()}>
          {(answer) => (
            <SecretOnce secret={answer().secret}>
              <p>
                The previous secret stays valid until {formatDateTime(answer().previous_secret_expires_at)}: until then each delivery carries a signature for each secret. Update your
                receiver before that.
              </p>
            </SecretOnce>
          )}
        </Show>
      </Dialog>
      <ConfirmDialog
        open={deleting() !== null}
        title="Delete endpoint"
        confirmLabel="Delete endpoint"
        danger
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          const webhook = deleting()!;
          await deleteWebhook(webhook.id);
          if (logOf() === webhook.id) setLogOf(null);
          notify("Endpoint deleted");
          await refetch();
        }}
      >
        <p>
          Delete <code>{deleting()?.url}</code> and its delivery log? It gets no more events. This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
}
