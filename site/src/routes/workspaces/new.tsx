// Create a workspace (the creator becomes its Admin) and switch to it.
import { useNavigate } from "@solidjs/router";
import { createSignal } from "solid-js";
import { describeError } from "~/api/client";
import { call } from "~/api/contract";
import { FormError, TextField } from "~/components/field";
import { PageHeader } from "~/components/page-header";
import { notify } from "~/components/toasts";
import { reloadWorkspaces, workspaces } from "~/session/session";

export default function NewWorkspacePage() {
  const navigate = useNavigate();
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget as HTMLFormElement).get("name")).trim();
    setBusy(true);
    setError(null);
    try {
      const created = await call("post", "/api/workspaces", { body: { name }, workspaceId: null });
      await reloadWorkspaces(created.id);
      notify(`Workspace “${created.name}” created`);
      navigate("/prompts");
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="narrow">
      <PageHeader
        title="New workspace"
        description={
          workspaces().length === 0
            ? "You are not in a workspace yet. Create one for your team, or open the invitation link a teammate sent you."
            : "A workspace holds its own prompts, keys, events and members."
        }
      />
      <form class="panel stack" onSubmit={submit}>
        <TextField label="Workspace name" name="name" required maxLength={100} placeholder="Acme mobile app" />
        <FormError message={error()} />
        <div>
          <button type="submit" disabled={busy()}>
            {busy() ? "Creating…" : "Create workspace"}
          </button>
        </div>
      </form>
    </section>
  );
}
