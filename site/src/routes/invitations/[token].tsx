// An invitation link (/invitations/<token>), usually opened from the invitation e-mail. The page
// first asks the API what the invitation is (GET /api/invitations/<token>, public) and names the
// workspace, the inviter and the invited address. Signed out, the invitee signs in or creates an
// account with that address filled in and comes back here (?next=); signed in, they accept, the
// workspace becomes the current one and they land on its prompts. A used, expired, withdrawn or
// someone else's invitation says so and what to do.
import { A, useNavigate, useParams } from "@solidjs/router";
import { createSignal, Match, onMount, Show, Switch } from "solid-js";
import { previewInvitation, type InvitationPreview } from "~/api/accounts";
import { ApiRequestError, describeError } from "~/api/client";
import { acceptInvitation, ROLE_LABEL } from "~/api/admin";
import { Loading } from "~/components/async-state";
import { AuthCard } from "~/components/auth-card";
import { notify } from "~/components/toasts";
import { authLink } from "~/lib/redirect";
import { currentUser, reloadWorkspaces, selectWorkspace, sessionState, signOut } from "~/session/session";
import "~/styles/admin.css";

interface Failure {
  title: string;
  message: string;
  /** The invitation is for another address: signing in differently may help. */
  otherAccount: boolean;
}

/** What the preview says: the invitation, or why it cannot be used; `unknown` when the API could not tell (the page goes on without details). */
type Preview = { state: "loading" } | { state: "found"; invitation: InvitationPreview } | { state: "closed"; failure: Failure } | { state: "unknown" };

function explain(error: unknown): Failure {
  const message = describeError(error);
  if (error instanceof ApiRequestError) {
    if (error.status === 404) {
      const advice = /\bask\b/i.test(message) ? "Check that you opened the whole link." : "Check that you opened the whole link, or ask an Admin of the workspace for a new invitation.";
      return { title: "This invitation link does not work", message: `${message.replace(/\.$/, "")}. ${advice}`, otherAccount: false };
    }
    if (error.status === 403) return { title: "This invitation is for someone else", message, otherAccount: true };
    if (error.status === 409 && /expired/i.test(message)) return { title: "This invitation has expired", message, otherAccount: false };
    if (error.status === 409 && /already a member/i.test(message)) return { title: "You are already in this workspace", message, otherAccount: false };
    if (error.status === 409) return { title: "This invitation was already used", message: `${message}. Each link works once; ask an Admin for a new one if you need it.`, otherAccount: true };
  }
  return { title: "The invitation could not be accepted", message, otherAccount: false };
}

/** An invitation the preview shows as no longer usable, before anyone tries. */
function closedInvitation(invitation: InvitationPreview): Failure | null {
  const workspace = `“${invitation.workspace.name}”`;
  if (invitation.status === "accepted") return { title: "This invitation was already used", message: `The invitation to ${workspace} was accepted already. Each link works once; ask an Admin of ${workspace} for a new one if you need it.`, otherAccount: true };
  if (invitation.status === "expired") return { title: "This invitation has expired", message: `Ask an Admin of ${workspace} to invite ${invitation.email} again.`, otherAccount: false };
  if (invitation.status === "revoked") return { title: "This invitation was withdrawn", message: `An Admin of ${workspace} withdrew it. Ask them for a new invitation if you still need one.`, otherAccount: false };
  return null;
}

export default function InvitationPage() {
  const params = useParams<{ token: string }>();
  const navigate = useNavigate();
  const [busy, setBusy] = createSignal(false);
  const [preview, setPreview] = createSignal<Preview>({ state: "loading" });
  const [failure, setFailure] = createSignal<Failure | null>(null);
  const here = () => `/invitations/${encodeURIComponent(params.token)}`;
  const invitation = () => {
    const current = preview();
    return current.state === "found" ? current.invitation : null;
  };
  const problem = () => {
    const current = preview();
    return failure() ?? (current.state === "closed" ? current.failure : null);
  };
  /** Signed in with another address than the one invited: accepting would be refused. */
  const otherAddress = () => {
    const invited = invitation()?.email;
    const email = currentUser()?.email;
    return invited && email && invited.toLowerCase() !== email.toLowerCase() ? invited : null;
  };

  onMount(async () => {
    try {
      const found = await previewInvitation(params.token);
      const closed = closedInvitation(found);
      setPreview(closed ? { state: "closed", failure: closed } : { state: "found", invitation: found });
    } catch (caught) {
      setPreview(caught instanceof ApiRequestError && caught.status === 404 ? { state: "closed", failure: explain(caught) } : { state: "unknown" });
    }
  });

  const accept = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const joined = await acceptInvitation(params.token);
      await reloadWorkspaces(joined.workspace_id);
      selectWorkspace(joined.workspace_id);
      notify(`You joined “${joined.name}” as ${ROLE_LABEL[joined.role]}`);
      navigate("/prompts", { replace: true });
    } catch (caught) {
      setFailure(explain(caught));
      setBusy(false);
    }
  };

  const switchAccount = async () => {
    await signOut();
    navigate(authLink("/sign-in", { next: here(), email: invitation()?.email }));
  };

  /** "Ada Admin (ada@example.com) invited ben@example.com to join “Growth team” as Member." */
  const summary = (details: InvitationPreview) => (
    <p class="invitation-summary">
      <Show when={details.invited_by} fallback="You were invited">
        {(inviter) => (
          <>
            <strong>{inviter().name}</strong>
            <Show when={inviter().email}>{(email) => <> ({email()})</>}</Show> invited
          </>
        )}
      </Show>{" "}
      <strong>{details.email}</strong> to join the workspace <strong>“{details.workspace.name}”</strong> as {ROLE_LABEL[details.role]}.
    </p>
  );

  return (
    <Switch fallback={<Loading label="Checking your invitation…" />}>
      <Match when={problem() && sessionState() !== "unknown" && problem()}>
        {(closed) => (
          <AuthCard title={closed().title}>
            <div class="stack">
              <p class="notice" data-kind="bad" role="alert">
                {closed().message}
              </p>
              <div class="invitation-actions">
                <Show when={sessionState() === "signed-in" && closed().otherAccount}>
                  <button type="button" class="secondary" onClick={() => void switchAccount()} disabled={busy()}>
                    Use another account
                  </button>
                </Show>
                <Show
                  when={sessionState() === "signed-in"}
                  fallback={
                    <A class="button secondary" href="/sign-in">
                      Sign in
                    </A>
                  }
                >
                  <A class="button secondary" href="/prompts">
                    Go to your workspaces
                  </A>
                </Show>
              </div>
            </div>
          </AuthCard>
        )}
      </Match>
      <Match when={preview().state === "loading"}>
        <Loading label="Checking your invitation…" />
      </Match>
      <Match when={sessionState() === "signed-out"}>
        <AuthCard title="You have been invited to xR2">
          <div class="stack">
            <Show when={invitation()} fallback={<p>You were invited to join a workspace on xR2.</p>}>
              {(details) => summary(details())}
            </Show>
            <p>Sign in with the address the invitation was sent to, or create an account with it. You will come back here to accept.</p>
            <div class="invitation-actions">
              <A class="button" href={authLink("/sign-in", { next: here(), email: invitation()?.email })}>
                Sign in to accept
              </A>
              <A class="button secondary" href={authLink("/sign-up", { next: here(), email: invitation()?.email })}>
                Create an account
              </A>
            </div>
          </div>
        </AuthCard>
      </Match>
      <Match when={sessionState() === "signed-in"}>
        <AuthCard title="Join the workspace">
          <div class="stack">
            <Show when={invitation()}>{(details) => summary(details())}</Show>
            <p>
              You are signed in as <strong>{currentUser()?.name}</strong> ({currentUser()?.email}).{" "}
              {invitation() ? "Accept the invitation to join the workspace." : "Accept the invitation to join the workspace it is for."}
            </p>
            <Show when={otherAddress()}>
              {(invited) => (
                <p class="notice" data-kind="warn">
                  This invitation is for {invited()}. Sign in with that address to accept it.
                </p>
              )}
            </Show>
            <div class="invitation-actions">
              <Show when={!otherAddress()}>
                <button type="button" onClick={() => void accept()} disabled={busy()}>
                  {busy() ? "Joining…" : "Accept invitation"}
                </button>
              </Show>
              <button type="button" class={otherAddress() ? undefined : "secondary"} onClick={() => void switchAccount()} disabled={busy()}>
                Use another account
              </button>
            </div>
          </div>
        </AuthCard>
      </Match>
    </Switch>
  );
}
