// The prompt page's own actions: edit the name and description (with their length counts),
// duplicate, archive or unarchive, and delete. Deleting is for prompts that were never
// published; a published one keeps its history and is archived instead (the API refuses with 409).
import { useNavigate } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { deletePromptForGood, duplicatePrompt, updatePromptDetails } from "~/api/authoring";
import { describeError } from "~/api/client";
import type { Prompt, VersionSummary } from "~/api/prompts";
import { SLUG_PATTERN } from "~/api/prompts";
import { Dialog } from "~/components/dialog";
import { FormError, TextAreaField, TextField } from "~/components/field";
import { notify } from "~/components/toasts";
import { currentWorkspace } from "~/session/session";
import { CharCount, PROMPT_LIMITS } from "./char-count";

type Open = "details" | "duplicate" | "delete" | null;

/** Never published: every version still a draft and no environment pointing at any. */
export const neverPublished = (prompt: Prompt, versions: readonly VersionSummary[]) => Object.keys(prompt.environments).length === 0 && versions.every((version) => version.status === "draft");

export function PromptActions(props: { prompt: Prompt; versions: readonly VersionSummary[]; onChanged: () => void }) {
  const navigate = useNavigate();
  const [open, setOpen] = createSignal<Open>(null);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [name, setName] = createSignal("");
  const [description, setDescription] = createSignal("");
  const [slug, setSlug] = createSignal("");

  const show = (which: Open) => {
    setError(null);
    if (which === "details") {
      setName(props.prompt.name);
      setDescription(props.prompt.description ?? "");
    }
    if (which === "duplicate") {
      setName(`${props.prompt.name} (copy)`.slice(0, PROMPT_LIMITS.nameChars));
      setSlug(`${props.prompt.slug}-copy`.slice(0, 128));
    }
    setOpen(which);
  };
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  const saveDetails = (event: SubmitEvent) => {
    event.preventDefault();
    void run(async () => {
      await updatePromptDetails(props.prompt.id, { name: name().trim(), description: description().trim() || null });
      setOpen(null);
      notify("Details saved");
      props.onChanged();
    });
  };
  const duplicate = (event: SubmitEvent) => {
    event.preventDefault();
    void run(async () => {
      const workspaceId = currentWorkspace()?.id;
      if (!workspaceId) throw new Error("Choose a workspace first");
      const copy = await duplicatePrompt(props.prompt.id, workspaceId, { slug: slug().trim(), name: name().trim() });
      setOpen(null);
      notify(`Duplicated as “${copy.name}”`);
      navigate(`/prompts/${copy.id}`);
    });
  };
  const setArchived = (archived: boolean) =>
    run(async () => {
      await updatePromptDetails(props.prompt.id, { status: archived ? "archived" : "active" });
      setOpen(null);
      notify(archived ? "Prompt archived: apps are no longer served it" : "Prompt restored");
      props.onChanged();
    }).then(() => {
      if (error()) notify(error()!, "error");
    });
  const remove = () =>
    run(async () => {
      await deletePromptForGood(props.prompt.id);
      setOpen(null);
      notify(`Deleted “${props.prompt.name}”`);
      navigate("/prompts");
    });

  const nameTooLong = () => name().trim().length > PROMPT_LIMITS.nameChars;
  const descriptionTooLong = () => description().trim().length > PROMPT_LIMITS.descriptionChars;

  return (
    <>
      <button type="button" class="secondary" onClick={() => show("details")}>
        Edit details
      </button>
      <button type="button" class="secondary" onClick={() => show("duplicate")}>
        Duplicate
      </button>
      <Show
        when={props.prompt.status === "archived"}
        fallback={
          <button type="button" class="secondary" disabled={busy()} onClick={() => void setArchived(true)}>
            Archive
          </button>
        }
      >
        <button type="button" class="secondary" disabled={busy()} onClick={() => void setArchived(false)}>
          Unarchive
        </button>
      </Show>
      <button type="button" class="secondary" onClick={() => show("delete")}>
        Delete…
      </button>

      <Dialog open={open() === "details"} title="Edit details" onClose={() => setOpen(null)}>
        <form class="stack" onSubmit={saveDetails}>
          <TextField label="Name" required value={name()} onInput={(event) => setName(event.currentTarget.value)} error={nameTooLong() ? `At most ${PROMPT_LIMITS.nameChars} characters` : null} hint={<CharCount value={name().trim()} max={PROMPT_LIMITS.nameChars} label="Name" />} />
          <TextAreaField
            label="Description"
            rows={3}
            value={description()}
            onInput={(event) => setDescription(event.currentTarget.value)}
            error={descriptionTooLong() ? `At most ${PROMPT_LIMITS.descriptionChars} characters` : null}
            hint={<CharCount value={description().trim()} max={PROMPT_LIMITS.descriptionChars} label="Description" />}
          />
          <p class="muted small">
            The slug <code>{props.prompt.slug}</code> stays: apps fetch the prompt by it.
          </p>
          <FormError message={error()} />
          <div class="row end">
            <button type="button" class="secondary" onClick={() => setOpen(null)}>
              Cancel
            </button>
            <button type="submit" disabled={busy() || nameTooLong() || descriptionTooLong() || name().trim() === ""}>
              {busy() ? "Saving…" : "Save details"}
            </button>
          </div>
        </form>
      </Dialog>

      <Dialog open={open() === "duplicate"} title="Duplicate prompt" onClose={() => setOpen(null)}>
        <form class="stack" onSubmit={duplicate}>
          <p class="muted">The copy gets every version of this prompt as a draft, and its tags. Nothing of it is published.</p>
          <TextField label="Name" required value={name()} onInput={(event) => setName(event.currentTarget.value)} error={nameTooLong() ? `At most ${PROMPT_LIMITS.nameChars} characters` : null} hint={<CharCount value={name().trim()} max={PROMPT_LIMITS.nameChars} label="Name" />} />
          <TextField label="Slug" required maxLength={128} pattern={SLUG_PATTERN} value={slug()} onInput={(event) => setSlug(event.currentTarget.value)} hint="What apps will fetch the copy by; it cannot change later." />
          <FormError message={error()} />
          <div class="row end">
            <button type="button" class="secondary" onClick={() => setOpen(null)}>
              Cancel
            </button>
            <button type="submit" disabled={busy() || nameTooLong() || name().trim() === "" || slug().trim() === ""}>
              {busy() ? "Duplicating…" : "Duplicate"}
            </button>
          </div>
        </form>
      </Dialog>

      <Dialog open={open() === "delete"} title={`Delete “${props.prompt.name}”?`} onClose={() => setOpen(null)}>
        <div class="stack">
          <Show
            when={neverPublished(props.prompt, props.versions)}
            fallback={
              <p>
                This prompt has been published, so it cannot be deleted: its versions and deployment history are kept. Archive it instead; apps stop being served it, and you can unarchive it later.
              </p>
            }
          >
            <p>
              It was never published. It is deleted for good with its {props.versions.length} draft{props.versions.length === 1 ? "" : "s"}, and the slug <code>{props.prompt.slug}</code> becomes free.
            </p>
          </Show>
          <FormError message={error()} />
          <div class="row end">
            <button type="button" class="secondary" onClick={() => setOpen(null)}>
              Cancel
            </button>
            <Show
              when={neverPublished(props.prompt, props.versions)}
              fallback={
                <Show when={props.prompt.status !== "archived"}>
                  <button type="button" disabled={busy()} onClick={() => void setArchived(true)}>
                    Archive instead
                  </button>
                </Show>
              }
            >
              <button type="button" class="danger" disabled={busy()} onClick={() => void remove()}>
                {busy() ? "Deleting…" : "Delete for good"}
              </button>
            </Show>
          </div>
        </div>
      </Dialog>
    </>
  );
}
