// Limits and quotas editor (E3, S4) for the global defaults or one workspace, on the endpoints of
// the issue-15 contract: GET/PUT /api/admin/limits and /api/admin/workspaces/{id}/limits, each
// limit `{name, value, source, unit, window_seconds?, usage?}` and a PUT of `{limits: {name: number|null}}`.
// An empty box sends null: for a workspace, "use the global default"; globally, the built-in default.
import { createResource, createSignal, For, Show } from "solid-js";
import type { Limit } from "~/api/platform-admin";
import { EmptyState, ErrorNotice, Loading } from "~/components/async-state";
import { notify } from "~/components/toasts";
import { describeError } from "~/api/client";
import { formatNumber } from "~/lib/format";

const SOURCE_LABEL: Record<Limit["source"], string> = { key: "Set on the key", workspace: "Set for this workspace", global: "Global default", default: "Built-in default" };

export function LimitsEditor(props: { scope: "global" | "workspace"; load: () => Promise<Limit[]>; save: (limits: Record<string, number | null>) => Promise<Limit[]> }) {
  const [limits, { mutate, refetch }] = createResource(props.load);
  const [drafts, setDrafts] = createSignal<Record<string, string>>({});
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const ownValue = (limit: Limit) => (props.scope === "global" ? limit.source === "global" : limit.source === "workspace") && limit.value !== null;
  const draftOf = (limit: Limit) => drafts()[limit.name] ?? (ownValue(limit) ? String(limit.value) : "");
  const changed = () => Object.keys(drafts()).length > 0;

  const save = async (event: Event) => {
    event.preventDefault();
    const body: Record<string, number | null> = {};
    for (const [name, text] of Object.entries(drafts())) {
      const trimmed = text.trim();
      if (trimmed === "") body[name] = null;
      else if (/^\d+$/.test(trimmed)) body[name] = Number(trimmed);
      else return setError(`${name}: a whole number of 0 or more, or empty`);
    }
    setSaving(true);
    setError(null);
    try {
      mutate(await props.save(body));
      setDrafts({});
      notify("Limits saved; they apply within a second");
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <Show when={limits.error}>
        <ErrorNotice error={limits.error} title="The limits could not be loaded" onRetry={refetch} />
      </Show>
      <Show when={limits.loading && !limits.latest}>
        <Loading label="Loading limits…" />
      </Show>
      <Show when={limits.latest?.length === 0}>
        <EmptyState title="No limits are defined" />
      </Show>
      <Show when={(limits.latest?.length ?? 0) > 0}>
        <form class="stack" onSubmit={save} aria-label={props.scope === "global" ? "Global limits" : "This workspace's limits"}>
          <div class="table-scroll" tabindex="0" role="region" aria-label="Limits and quotas, scrolls sideways">
            <table class="admin-table limits-table">
              <caption class="visually-hidden">Limits and quotas</caption>
              <thead>
                <tr>
                  <th scope="col">Limit</th>
                  <th scope="col">In force</th>
                  <th scope="col">From</th>
                  <th scope="col">Used</th>
                  <th scope="col">{props.scope === "global" ? "Global value" : "This workspace's value"}</th>
                </tr>
              </thead>
              <tbody>
                <For each={limits.latest}>
                  {(limit) => (
                    <tr>
                      <td>
                        <code>{limit.name}</code>
                        <div class="muted small">
                          {limit.unit}
                          {limit.window_seconds ? ` per ${limit.window_seconds} s` : ""}
                        </div>
                      </td>
                      <td>{limit.value === null ? <span class="muted">Unlimited</span> : formatNumber(limit.value)}</td>
                      <td>{SOURCE_LABEL[limit.source]}</td>
                      <td>{limit.usage === undefined ? <span class="muted">–</span> : formatNumber(limit.usage)}</td>
                      <td>
                        <label class="visually-hidden" for={`limit-${limit.name}`}>
                          {limit.name}
                        </label>
                        <input
                          id={`limit-${limit.name}`}
                          inputmode="numeric"
                          placeholder={props.scope === "global" ? "Built-in default" : "Global default"}
                          value={draftOf(limit)}
                          onInput={(event) => setDrafts({ ...drafts(), [limit.name]: event.currentTarget.value })}
                        />
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
          <Show when={error()}>
            <p class="form-error" role="alert">
              {error()}
            </p>
          </Show>
          <div class="page-actions">
            <button type="submit" disabled={!changed() || saving()}>
              {saving() ? "Saving…" : "Save limits"}
            </button>
            <Show when={changed()}>
              <button type="button" class="secondary" onClick={() => setDrafts({})} disabled={saving()}>
                Discard changes
              </button>
            </Show>
          </div>
        </form>
      </Show>
    </>
  );
}
