// Invite someone by e-mail with a role. The API e-mails the invitation and answers with its
// token once: the link is also shown here, with a copy button, and never again (only its hash
// is kept), for sharing it another way or when the e-mail could not be sent.
import { createSignal, For, Show } from "solid-js";
import { describeError } from "~/api/client";
import { inviteMember, invitationLink, ROLE_HINT, ROLE_LABEL, ROLES, type CreatedInvitation } from "~/api/admin";
import { CopyButton } from "~/components/copy-button";
import { Dialog } from "~/components/dialog";
import { FormError, SelectField, TextField } from "~/components/field";
import { formatDateTime } from "~/lib/format";
import type { Role } from "~/api/types";

export function InviteDialog(props: { open: boolean; workspaceId: string; onClose: () => void; onInvited: () => void }) {
  const [role, setRole] = createSignal<Role>("member");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [created, setCreated] = createSignal<CreatedInvitation | null>(null);

  const close = () => {
    setCreated(null);
    setError(null);
    setRole("member");
    props.onClose();
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget as HTMLFormElement).get("email")).trim();
    setBusy(true);
    setError(null);
    try {
      setCreated(await inviteMember(props.workspaceId, email, role()));
      props.onInvited();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={props.open}
      title={created() ? "Invitation created" : "Invite a member"}
      onClose={close}
      footer={
        <Show
          when={created()}
          fallback={
            <>
              <button type="button" class="secondary" onClick={close}>
                Cancel
              </button>
              <button type="submit" form="invite-form" disabled={busy()}>
                {busy() ? "Inviting…" : "Create invitation"}
              </button>
            </>
          }
        >
          <button type="button" onClick={close}>
            Done
          </button>
        </Show>
      }
    >
      <Show
        when={created()}
        fallback={
          <form id="invite-form" class="stack" onSubmit={submit}>
            <TextField label="E-mail" name="email" type="email" autocomplete="off" required maxLength={254} placeholder="teammate@example.com" />
            <SelectField label="Role" value={role()} onChange={(event) => setRole(event.currentTarget.value as Role)} hint={ROLE_HINT[role()]}>
              <For each={ROLES}>{(option) => <option value={option}>{ROLE_LABEL[option]}</option>}</For>
            </SelectField>
            <p class="muted small">Inviting an address that already has a pending invitation replaces it: the earlier link stops working.</p>
            <FormError message={error()} />
          </form>
        }
      >
        {(invitation) => (
          <div class="stack">
            <Show
              when={invitation().email_sent}
              fallback={
                <p class="notice" data-kind="bad" role="alert">
                  {invitation().email_not_sent_reason ?? "The invitation e-mail could not be sent."} Send this link to <strong>{invitation().email}</strong> yourself.
                </p>
              }
            >
              <p>
                We e-mailed the invitation to <strong>{invitation().email}</strong>. You can also share its link yourself.
              </p>
            </Show>
            <p>They join as {ROLE_LABEL[invitation().role]} after signing in with that address.</p>
            <div class="secret-box">
              <code class="secret-value" data-testid="invitation-link">
                {invitationLink(invitation().invite_token)}
              </code>
              <CopyButton value={invitationLink(invitation().invite_token)} label="Copy link" />
            </div>
            <p class="notice" data-kind="warn">
              This link is shown only now. It works once and expires {formatDateTime(invitation().expires_at)}.
            </p>
          </div>
        )}
      </Show>
    </Dialog>
  );
}
