// Members (P1): who is in the workspace with which role. Admins change roles, remove members,
// invite by e-mail (the link shown once), e-mail a pending invitation again (a new link; the API
// limits how often) and withdraw it; the owner hands
// ownership to another member. Everyone else reads the list.
import { useNavigate } from "@solidjs/router";
import { createMemo, createResource, createSignal, For, Match, Show, Switch } from "solid-js";
import {
  changeMemberRole,
  listInvitations,
  listMembers,
  removeMember,
  resendInvitation,
  revokeInvitation,
  ROLE_LABEL,
  ROLES,
  transferOwnership,
  type Invitation,
  type Member,
} from "~/api/admin";
import type { Role } from "~/api/types";
import { ConfirmDialog } from "~/admin/confirm-dialog";
import { InviteDialog } from "~/admin/invite-dialog";
import { RoleBadge } from "~/admin/role-badge";
import { AsyncView, EmptyState } from "~/components/async-state";
import { describeRefusal } from "~/api/accounts";
import { PageHeader } from "~/components/page-header";
import { notify } from "~/components/toasts";
import { formatDate, formatDateTime, formatRelative } from "~/lib/format";
import { currentRole, currentUser, currentWorkspace, isAdmin, reloadWorkspaces } from "~/session/session";
import "~/styles/admin.css";

type Pending =
  | { kind: "role"; member: Member; role: Role }
  | { kind: "remove"; member: Member }
  | { kind: "transfer"; member: Member }
  | { kind: "revoke"; invitation: Invitation };

export default function MembersPage() {
  const navigate = useNavigate();
  const workspaceId = () => currentWorkspace()?.id;
  const [members, { refetch: refetchMembers }] = createResource(workspaceId, listMembers);
  const [invitations, { refetch: refetchInvitations }] = createResource(() => (isAdmin() ? workspaceId() : undefined), listInvitations);
  const [inviteOpen, setInviteOpen] = createSignal(false);
  const [pending, setPending] = createSignal<Pending | null>(null);
  // A role select shows the chosen role only once the change is confirmed: re-render it on cancel.
  const [roleEpoch, setRoleEpoch] = createSignal(0);

  const ownerId = () => currentWorkspace()?.owner_id;
  const isOwner = () => ownerId() !== undefined && ownerId() === currentUser()?.id;
  const sorted = createMemo(() => {
    const list = [...(members.latest ?? [])];
    const rank = (member: Member) => (member.user_id === ownerId() ? 0 : ROLES.indexOf(member.role) + 1);
    return list.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  });

  const confirm = async () => {
    const action = pending();
    const id = workspaceId();
    if (!action || !id) return;
    if (action.kind === "role") {
      await changeMemberRole(id, action.member.user_id, action.role);
      notify(`${action.member.name} is now ${ROLE_LABEL[action.role]}`);
      if (action.member.user_id === currentUser()?.id) await reloadWorkspaces();
    } else if (action.kind === "remove") {
      await removeMember(id, action.member.user_id);
      if (action.member.user_id === currentUser()?.id) {
        notify(`You left “${currentWorkspace()?.name}”`);
        await reloadWorkspaces();
        navigate("/prompts");
        return;
      }
      notify(`${action.member.name} was removed from the workspace`);
    } else if (action.kind === "transfer") {
      await transferOwnership(id, action.member.user_id);
      await reloadWorkspaces();
      notify(`${action.member.name} now owns the workspace`);
    } else {
      await revokeInvitation(id, action.invitation.id);
      notify(`The invitation to ${action.invitation.email} was withdrawn`);
      void refetchInvitations();
      return;
    }
    void refetchMembers();
  };

  const [resending, setResending] = createSignal<string | null>(null);
  const resend = async (invitation: Invitation) => {
    const id = workspaceId();
    if (!id) return;
    setResending(invitation.id);
    try {
      const resent = await resendInvitation(id, invitation.id);
      if (resent.email_sent) notify(`The invitation was e-mailed again to ${invitation.email}`);
      else notify(`The invitation to ${invitation.email} was not e-mailed: ${resent.email_not_sent_reason ?? "the e-mail could not be sent"}`, "error");
      void refetchInvitations();
    } catch (caught) {
      notify(describeRefusal(caught), "error");
    } finally {
      setResending(null);
    }
  };

  const closePending = () => {
    setPending(null);
    setRoleEpoch((epoch) => epoch + 1);
  };

  return (
    <>
      <PageHeader
        title="Members"
        description="People in this workspace and what their role lets them do."
        actions={
          <Show when={isAdmin()}>
            <button type="button" onClick={() => setInviteOpen(true)}>
              Invite member
            </button>
          </Show>
        }
      />
      <div class="stack">
        <Show when={currentRole() && !isAdmin()}>
          <p class="notice">Only Admins invite, change roles or remove members. You are {ROLE_LABEL[currentRole()!]} here.</p>
        </Show>

        <section class="panel" aria-labelledby="members-title">
          <div class="panel-head">
            <h2 id="members-title">People</h2>
            <Show when={members.latest}>
              <span class="muted small">{members.latest!.length === 1 ? "1 member" : `${members.latest!.length} members`}</span>
            </Show>
          </div>
          <AsyncView resource={members} loading="Loading members…" errorTitle="The members could not be loaded" onRetry={refetchMembers}>
            <div class="table-scroll">
              <table class="admin-table members-table">
                <caption class="visually-hidden">Members of {currentWorkspace()?.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col" class="member-email">E-mail</th>
                    <th scope="col">Role</th>
                    <th scope="col">Joined</th>
                    <Show when={isAdmin()}>
                      <th scope="col">
                        <span class="visually-hidden">Actions</span>
                      </th>
                    </Show>
                  </tr>
                </thead>
                <tbody>
                  <For each={sorted()}>
                    {(member) => {
                      const owner = () => member.user_id === ownerId();
                      const self = () => member.user_id === currentUser()?.id;
                      return (
                        <tr data-user-id={member.user_id}>
                          <td>
                            <span class="member-name">{member.name}</span>
                            <Show when={self()}>
                              <span class="badge" data-tone="accent">
                                You
                              </span>
                            </Show>
                            <Show when={owner()}>
                              <span class="badge" data-tone="ok">
                                Owner
                              </span>
                            </Show>
                            <span class="member-email-inline muted small">{member.email}</span>
                          </td>
                          <td class="member-email">{member.email}</td>
                          <td>
                            <Show when={isAdmin() && !owner()} fallback={<RoleBadge role={member.role} />}>
                              {/* Keyed on the epoch so a cancelled change puts the select back. */}
                              <For each={[roleEpoch()]}>
                                {() => (
                                  <label class="compact-field">
                                    <span class="visually-hidden">Role of {member.name}</span>
                                    <select value={member.role} onChange={(event) => setPending({ kind: "role", member, role: event.currentTarget.value as Role })}>
                                      <For each={ROLES}>{(role) => <option value={role}>{ROLE_LABEL[role]}</option>}</For>
                                    </select>
                                  </label>
                                )}
                              </For>
                            </Show>
                          </td>
                          <td class="nowrap" title={formatDateTime(member.joined_at)}>{formatDate(member.joined_at)}</td>
                          <Show when={isAdmin()}>
                            <td class="row-actions">
                              <Show when={isOwner() && !owner()}>
                                <button type="button" class="secondary small" onClick={() => setPending({ kind: "transfer", member })}>
                                  Make owner<span class="visually-hidden"> {member.name}</span>
                                </button>
                              </Show>
                              <Show when={!owner()}>
                                <button type="button" class="secondary small danger-text" onClick={() => setPending({ kind: "remove", member })}>
                                  {self() ? "Leave" : "Remove"}
                                  <span class="visually-hidden"> {member.name}</span>
                                </button>
                              </Show>
                            </td>
                          </Show>
                        </tr>
                      );
                    }}
                  </For>
                </tbody>
              </table>
            </div>
            <Show when={isAdmin()}>
              <p class="muted small">The owner is always an Admin and cannot be removed{isOwner() ? "; make another member the owner first" : ""}.</p>
            </Show>
          </AsyncView>
        </section>

        <Show when={isAdmin()}>
          <section class="panel" aria-labelledby="invitations-title">
            <div class="panel-head">
              <h2 id="invitations-title">Pending invitations</h2>
            </div>
            <AsyncView
              resource={invitations}
              loading="Loading invitations…"
              errorTitle="The invitations could not be loaded"
              onRetry={refetchInvitations}
              empty={
                <EmptyState title="No pending invitations" action={<button type="button" class="secondary" onClick={() => setInviteOpen(true)}>Invite member</button>}>
                  Invitations appear here until they are accepted or withdrawn.
                </EmptyState>
              }
            >
              <div class="table-scroll">
                <table class="admin-table">
                  <caption class="visually-hidden">Pending invitations</caption>
                  <thead>
                    <tr>
                      <th scope="col">E-mail</th>
                      <th scope="col">Role</th>
                      <th scope="col">Invited by</th>
                      <th scope="col">Expires</th>
                      <th scope="col">
                        <span class="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={invitations.latest}>
                      {(invitation) => {
                        const expired = () => Date.parse(invitation.expires_at) <= Date.now();
                        return (
                          <tr>
                            <td>{invitation.email}</td>
                            <td>
                              <RoleBadge role={invitation.role} />
                            </td>
                            <td>{invitation.invited_by?.name ?? <span class="muted">a former member</span>}</td>
                            <td title={formatDateTime(invitation.expires_at)}>
                              <Show when={expired()} fallback={formatRelative(invitation.expires_at)}>
                                <span class="badge" data-tone="bad">
                                  Expired
                                </span>
                              </Show>
                            </td>
                            <td class="row-actions">
                              <button type="button" class="secondary small" onClick={() => void resend(invitation)} disabled={resending() === invitation.id}>
                                {resending() === invitation.id ? "Sending…" : "Resend"}
                                <span class="visually-hidden"> the invitation to {invitation.email}</span>
                              </button>
                              <button type="button" class="secondary small danger-text" onClick={() => setPending({ kind: "revoke", invitation })}>
                                Withdraw<span class="visually-hidden"> the invitation to {invitation.email}</span>
                              </button>
                            </td>
                          </tr>
                        );
                      }}
                    </For>
                  </tbody>
                </table>
              </div>
            </AsyncView>
          </section>
        </Show>
      </div>

      <Show when={workspaceId()}>
        {(id) => (
          <InviteDialog
            open={inviteOpen()}
            workspaceId={id()}
            onClose={() => setInviteOpen(false)}
            onInvited={() => void refetchInvitations()}
          />
        )}
      </Show>

      <ConfirmDialog
        open={pending() !== null}
        title={pendingTitle(pending())}
        confirmLabel={pendingLabel(pending())}
        danger={pending()?.kind !== "role"}
        onConfirm={confirm}
        onClose={closePending}
      >
        <PendingText pending={pending()} self={currentUser()?.id} />
      </ConfirmDialog>
    </>
  );
}

function pendingTitle(pending: Pending | null): string {
  switch (pending?.kind) {
    case "role":
      return "Change role";
    case "remove":
      return "Remove member";
    case "transfer":
      return "Transfer ownership";
    case "revoke":
      return "Withdraw invitation";
    default:
      return "";
  }
}

function pendingLabel(pending: Pending | null): string {
  switch (pending?.kind) {
    case "role":
      return "Change role";
    case "remove":
      return "Remove";
    case "transfer":
      return "Transfer ownership";
    case "revoke":
      return "Withdraw";
    default:
      return "OK";
  }
}

function PendingText(props: { pending: Pending | null; self: string | undefined }) {
  return (
    <Switch>
      <Match when={props.pending?.kind === "role" && (props.pending as Extract<Pending, { kind: "role" }>)}>
        {(action) => (
          <>
            <p>
              Change <strong>{action().member.name}</strong> from {ROLE_LABEL[action().member.role]} to {ROLE_LABEL[action().role]}?
            </p>
            <Show when={action().member.user_id === props.self && action().role !== "admin"}>
              <p class="notice" data-kind="warn">
                This is you: you will no longer manage members, keys or settings here.
              </p>
            </Show>
          </>
        )}
      </Match>
      <Match when={props.pending?.kind === "remove" && (props.pending as Extract<Pending, { kind: "remove" }>)}>
        {(action) => (
          <p>
            Remove <strong>{action().member.name}</strong> ({action().member.email}) from the workspace? They lose access at once; inviting them again brings them back.
          </p>
        )}
      </Match>
      <Match when={props.pending?.kind === "transfer" && (props.pending as Extract<Pending, { kind: "transfer" }>)}>
        {(action) => (
          <p>
            Make <strong>{action().member.name}</strong> the owner? They become an Admin and the only one who can transfer ownership. You stay an Admin.
          </p>
        )}
      </Match>
      <Match when={props.pending?.kind === "revoke" && (props.pending as Extract<Pending, { kind: "revoke" }>)}>
        {(action) => (
          <p>
            Withdraw the invitation to <strong>{action().invitation.email}</strong>? Its link stops working.
          </p>
        )}
      </Match>
    </Switch>
  );
}
