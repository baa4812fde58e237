// The settings page's danger zone (Admins): deleting the workspace after typing its name. The
// API removes it for everyone at once and its API keys stop working; its data is removed in the
// background. Afterwards the user lands in another workspace, or on the page to create one.
import { useNavigate } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { deleteWorkspace, type WorkspaceDetails } from "~/api/admin";
import { describeError } from "~/api/client";
import { TextField } from "~/components/field";
import { notify } from "~/components/toasts";
import { reloadWorkspaces } from "~/session/session";

export function DeleteWorkspaceZone(props: { workspace: WorkspaceDetails }) {
  const navigate = useNavigate();
  const [typed, setTyped] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const confirmed = () => typed() === props.workspace.name;

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (!confirmed()) return;
    setBusy(true);
    setError(null);
    try {
      const deleted = await deleteWorkspace(props.workspace.id, typed());
      const remaining = await reloadWorkspaces();
      notify(`Workspace “${deleted.name}” deleted`);
      navigate(remaining.length > 0 ? "/prompts" : "/workspaces/new");
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  };

  return (
    <section class="panel danger-zone" aria-labelledby="danger-title">
      <h2 id="danger-title">Delete workspace</h2>
      <form class="stack" onSubmit={submit}>
        <p>
          Deleting <strong>{props.workspace.name}</strong> removes it for every member at once. Its Product API keys stop working immediately, so apps that fetch its
          prompts get 401. Its prompts, versions, analytics, events, keys, members and audit log are then erased; this cannot be undone.
        </p>
        <TextField
          label={`Type “${props.workspace.name}” to confirm`}
          name="confirm_name"
          autocomplete="off"
          spellcheck={false}
          value={typed()}
          onInput={(event) => setTyped(event.currentTarget.value)}
          error={error()}
        />
        <div>
          <button type="submit" class="danger" disabled={busy() || !confirmed()}>
            {busy() ? "Deleting…" : "Delete this workspace"}
          </button>
        </div>
        <Show when={!confirmed() && typed() !== ""}>
          <p class="field-hint">The name must match exactly, including capital letters.</p>
        </Show>
      </form>
    </section>
  );
}
