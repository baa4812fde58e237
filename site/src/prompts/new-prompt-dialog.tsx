// "New prompt": slug (what apps fetch it by), name, description and tags; on success the
// caller goes to the new prompt's page.
import { createSignal } from "solid-js";
import { describeError } from "~/api/client";
import { call } from "~/api/contract";
import { SLUG_PATTERN, type Prompt } from "~/api/prompts";
import { Dialog } from "~/components/dialog";
import { FormError, TextAreaField, TextField } from "~/components/field";

/** "Welcome e-mail" → "welcome-e-mail". */
export function slugFrom(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[-._]+|-+$/g, "")
    .slice(0, 128);
}

export function splitTags(text: string): string[] {
  return [...new Set(text.split(",").map((tag) => tag.trim()).filter(Boolean))];
}

export function NewPromptDialog(props: { open: boolean; onClose: () => void; onCreated: (prompt: Prompt) => void }) {
  const [name, setName] = createSignal("");
  const [slug, setSlug] = createSignal("");
  const [slugEdited, setSlugEdited] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      const description = String(form.get("description") ?? "").trim();
      const prompt = await call("post", "/api/prompts", {
        body: { slug: slug(), name: name().trim(), ...(description ? { description } : {}), tags: splitTags(String(form.get("tags") ?? "")) },
      });
      setName("");
      setSlug("");
      setSlugEdited(false);
      props.onCreated(prompt);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={props.open} title="New prompt" onClose={props.onClose}>
      <form class="stack" onSubmit={submit}>
        <TextField
          label="Name"
          name="name"
          required
          maxLength={200}
          placeholder="Welcome e-mail"
          value={name()}
          onInput={(event) => {
            setName(event.currentTarget.value);
            if (!slugEdited()) setSlug(slugFrom(event.currentTarget.value));
          }}
        />
        <TextField
          label="Slug"
          name="slug"
          required
          maxLength={128}
          pattern={SLUG_PATTERN}
          hint="What apps fetch it by: lowercase letters, digits, '-', '_' and '.'. It cannot change later."
          value={slug()}
          onInput={(event) => {
            setSlugEdited(true);
            setSlug(event.currentTarget.value);
          }}
        />
        <TextAreaField label="Description" name="description" maxLength={2000} rows={2} placeholder="What the prompt is for (optional)" />
        <TextField label="Tags" name="tags" placeholder="onboarding, email" hint="Separated by commas; new names become new tags." />
        <FormError message={error()} />
        <div class="row end">
          <button type="button" class="secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" disabled={busy()}>
            {busy() ? "Creating…" : "Create prompt"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
