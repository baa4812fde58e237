// Import prompts from a JSON or YAML file of GET /api/prompts/export (or hand-written, as the
// CLI keeps them): the file is read, sent to POST /api/prompts/import in one transaction, and
// the result for each prompt (created, skipped, versions added) is listed with a link.
//
// YAML is parsed here, in the browser, and sent as JSON: the API reads YAML only up to a bound
// on its parsing work (a few tens of prompts), while JSON takes any document an export holds.
// The parser is read as the API reads YAML: core schema, one document, duplicate keys and
// unknown tags refused, aliases bounded.
import { createSignal, For, Match, Show, Switch } from "solid-js";
import { parseDocument } from "yaml";
import { describeError } from "~/api/client";
import { call, type RequestBody } from "~/api/contract";
import type { ImportResult } from "~/api/prompts";
import { Dialog } from "~/components/dialog";
import { SelectField } from "~/components/field";

/** The file as read: its shape is the API's to check (it answers which field is wrong). */
type ImportFile = RequestBody<"post", "/api/prompts/import">;

type Stage = { step: "idle" } | { step: "reading" | "uploading"; file: string; count: number | null } | { step: "done"; result: ImportResult } | { step: "failed"; message: string };

const OUTCOME_LABEL = { created: "Created", skipped: "Skipped (slug exists)", versions_added: "Versions added" } as const;
const OUTCOME_TONE = { created: "ok", skipped: "warn", versions_added: "accent" } as const;

/** The value of a YAML text, read as the API reads YAML, or why it cannot be read. */
export function readYaml(text: string): { value: unknown } | { error: string } {
  try {
    const document = parseDocument(text, { schema: "core", uniqueKeys: true, strict: true, prettyErrors: false });
    const [first] = [...document.errors, ...document.warnings];
    if (first) return { error: first.message.slice(0, 300) };
    return { value: document.toJS({ maxAliasCount: 100 }) };
  } catch (caught) {
    // Alias bombs throw from toJS.
    return { error: caught instanceof Error ? caught.message.slice(0, 300) : "unreadable" };
  }
}

export function ImportDialog(props: { open: boolean; onClose: () => void; onImported: () => void }) {
  const [stage, setStage] = createSignal<Stage>({ step: "idle" });
  const [file, setFile] = createSignal<File | null>(null);
  const [onConflict, setOnConflict] = createSignal<"skip" | "new_versions">("skip");

  const close = () => {
    setStage({ step: "idle" });
    setFile(null);
    props.onClose();
  };

  const run = async (event: SubmitEvent) => {
    event.preventDefault();
    const chosen = file();
    if (!chosen) return;
    setStage({ step: "reading", file: chosen.name, count: null });
    try {
      const text = await chosen.text();
      const yaml = /\.ya?ml$/i.test(chosen.name) || !text.trimStart().startsWith("{");
      let body: unknown;
      if (yaml) {
        const problem = readYaml(text);
        if ("error" in problem) {
          setStage({ step: "failed", message: `${chosen.name} is not valid YAML: ${problem.error}` });
          return;
        }
        body = problem.value;
      } else {
        try {
          body = JSON.parse(text);
        } catch {
          setStage({ step: "failed", message: `${chosen.name} is not valid JSON.` });
          return;
        }
      }
      const prompts = (body as { prompts?: unknown } | null)?.prompts;
      const count = Array.isArray(prompts) ? prompts.length : null;
      setStage({ step: "uploading", file: chosen.name, count });
      const result = await call("post", "/api/prompts/import", { body: body as ImportFile, query: { on_conflict: onConflict() } });
      setStage({ step: "done", result });
      props.onImported();
    } catch (caught) {
      setStage({ step: "failed", message: describeError(caught) });
    }
  };

  const busy = () => stage().step === "reading" || stage().step === "uploading";

  return (
    <Dialog open={props.open} title="Import prompts" onClose={close} wide>
      <form class="stack" onSubmit={run}>
        <p class="muted">
          A JSON or YAML file exported from xR2 (Export) or written by hand. Imported versions arrive as drafts; nothing is published. The import is all or nothing.
        </p>
        <div class="field">
          <label for="import-file">File</label>
          <input id="import-file" type="file" accept=".json,.yaml,.yml,application/json,application/yaml" required onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)} />
        </div>
        <SelectField label="When a slug already exists" value={onConflict()} onChange={(event) => setOnConflict(event.currentTarget.value as "skip" | "new_versions")}>
          <option value="skip">Skip that prompt</option>
          <option value="new_versions">Add its versions as new drafts</option>
        </SelectField>
        <Switch>
          <Match when={stage().step === "reading" || stage().step === "uploading" ? (stage() as Extract<Stage, { file: string }>) : undefined}>
            {(current) => (
              <div class="stack import-progress" role="status" aria-live="polite">
                {/* Indeterminate while uploading: a progress without a value (setting it to undefined throws). */}
                <Show when={current().step === "reading"} fallback={<progress class="progress" aria-label="Import progress" />}>
                  <progress class="progress" max={2} value={1} aria-label="Import progress" />
                </Show>
                <span>
                  {current().step === "reading" ? `Reading ${current().file}…` : `Importing ${current().count === null ? "the prompts" : `${current().count} prompt${current().count === 1 ? "" : "s"}`} from ${current().file}…`}
                </span>
              </div>
            )}
          </Match>
          <Match when={stage().step === "failed" ? (stage() as Extract<Stage, { step: "failed" }>) : undefined}>
            {(failed) => (
              <p class="form-error" role="alert">
                Import failed: {failed().message}
              </p>
            )}
          </Match>
          <Match when={stage().step === "done" ? (stage() as Extract<Stage, { step: "done" }>) : undefined}>
            {(done) => (
              <div class="stack">
                <p role="status">
                  Imported {done().result.results.filter((item) => item.outcome !== "skipped").length} of {done().result.results.length} prompts.
                </p>
                <div class="table-scroll" tabindex="0" role="region" aria-label="Import results">
                  <table>
                    <caption class="visually-hidden">Import results</caption>
                    <thead>
                      <tr>
                        <th scope="col">Slug</th>
                        <th scope="col">Result</th>
                        <th scope="col">New drafts</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={done().result.results}>
                        {(item) => (
                          <tr>
                            <td>
                              <a href={`/prompts/${item.prompt_id}`}>{item.slug}</a>
                            </td>
                            <td>
                              <span class="badge" data-tone={OUTCOME_TONE[item.outcome]}>
                                {OUTCOME_LABEL[item.outcome]}
                              </span>
                            </td>
                            <td>{item.versions.length === 0 ? "–" : item.versions.map((version) => `v${version.version_number}`).join(", ")}</td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              </div>
            )}
          </Match>
        </Switch>
        <div class="row end">
          <button type="button" class="secondary" onClick={close}>
            {stage().step === "done" ? "Close" : "Cancel"}
          </button>
          <Show when={stage().step !== "done"}>
            <button type="submit" disabled={busy() || !file()}>
              {busy() ? "Importing…" : "Import"}
            </button>
          </Show>
        </div>
      </form>
    </Dialog>
  );
}
