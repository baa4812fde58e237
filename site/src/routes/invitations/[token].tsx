// An invitation link (/invitations/<token>): signed out, the invitee signs in or creates an
// account and comes back here (?next=); signed in, they accept, the workspace becomes the
// current one and they land on its prompts. A used, expired, withdrawn or someone else's
// invitation says so and what to do.
import { A, useNavigate, useParams } from "@solidjs/router";
import { createSignal, Match, Show, Switch } from "solid-js";
import { ApiRequestError, describeError } from "~/api/client";
import { acceptInvitation, ROLE_LABEL } from "~/api/admin";
import { Loading } from "~/components/async-state";
import { AuthCard } from "~/components/auth-card";
import { notify } from "~/components/toasts";
import { currentUser, reloadWorkspaces, selectWorkspace, sessionState, signOut } from "~/session/session";
import "~/styles/admin.css";

interface Failure {
  title: string;
  message: string;
  /** The invitation is for another address: signing in differently may help. */
  otherAccount: boolean;
}

function explain(error: unknown): Failure {
  const message = describeError(error);
  if (error instanceof ApiRequestError) {
    if (error.status === 404) return { title: "This invitation link does not work", message: `${message}. Check that you opened the whole link, or ask an Admin of the workspace for a new invitation.`, otherAccount: false };
    if (error.status === 403) return { title: "This invitation is for someone else", message, otherAccount: true };
    if (error.status === 409 && /expired/i.test(message)) return { title: "This invitation has expired", message, otherAccount: false };
    if (error.status === 409 && /already a member/i.test(message)) return { title: "You are already in this workspace", message, otherAccount: false };
    if (error.status === 409) return { title: "This invitation was already used", message: `${message}. Each link works once; ask an Admin for a new one if you need it.`, otherAccount: true };
  }
  return { title: "The invitation could not be accepted", message, otherAccount: false };
}

export default function InvitationPage() {
  const params = useParams<{ token: string }>();
  const navigate = useNavigate();
  const [busy, setBusy] = createSignal(false);
  const [failure, setFailure] = createSignal<Failure | null>(null);
  const here = () => `/invitations/${encodeURIComponent(params.token)}`;
  const next = () => encodeURIComponent(here());

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
    navigate(`/sign-in?next=${next()}`);
  };

  return (
    <Switch fallback={<Loading label="Checking your session…" />}>
      <Match when={sessionState() === "signed-out"}>
        <AuthCard title="You have been invited to xR2">
          <div class="stack">
            <p>Sign in with the e-mail address the invitation was sent to, or create an account with it. You will come back here to accept.</p>
            <div class="invitation-actions">
              <A class="button" href={`/sign-in?next=${next()}`}>
                Sign in to accept
              </A>
              <A class="button secondary" href={`/sign-up?next=${next()}`}>
                Create an account
              </A>
            </div>
          </div>
        </AuthCard>
      </Match>
      <Match when={sessionState() === "signed-in"}>
        <AuthCard title={failure()?.title ?? "Join the workspace"}>
          <div class="stack">
            <Show
              when={failure()}
              fallback={
                <p>
                  You are signed in as <strong>{currentUser()?.name}</strong> ({currentUser()?.email}). Accept the invitation to join the workspace it is for.
                </p>
              }
            >
              {(problem) => (
                <p class="notice" data-kind="bad" role="alert">
                  {problem().message}
                </p>
              )}
            </Show>
            <div class="invitation-actions">
              <Show when={!failure()}>
                <button type="button" onClick={() => void accept()} disabled={busy()}>
                  {busy() ? "Joining…" : "Accept invitation"}
                </button>
              </Show>
              <Show when={!failure() || failure()!.otherAccount}>
                <button type="button" class="secondary" onClick={() => void switchAccount()} disabled={busy()}>
                  Use another account
                </button>
              </Show>
              <Show when={failure()}>
                <A class="button secondary" href="/prompts">
                  Go to your workspaces
                </A>
              </Show>
            </div>
          </div>
        </AuthCard>
      </Match>
    </Switch>
  );
}
