// Limits and quotas editor (E3, S4) for the global defaults or one workspace, on
// GET/PUT /api/admin/limits and /api/admin/workspaces/{id}/limits. Each row shows the value in
// force and where it comes from, what would apply without the value edited here (a workspace
// inherits the global value or the built-in one; a global value replaces the built-in one), and
// for a workspace this period's usage. A PUT sends only the boxes that changed; an empty box sends
// null, which removes the value: for a workspace, the global default applies; globally, the built-in one.
import { createResource, createSignal, For, Show } from "solid-js";
import type { AdminWorkspaceLimit, GlobalLimit, LimitChanges } from "~/api/platform-admin";
import type { LimitName } from "~/api/admin";
import { AsyncView, EmptyState } from "~/components/async-state";
import { FormError } from "~/components/field";
import { notify } from "~/components/toasts";
import { describeError } from "~/api/client";
import { limitLabel, limitValueText, usageText } from "~/lib/limits";

type EditableLimit = GlobalLimit | AdminWorkspaceLimit;

type Props =
  | { scope: "global"; load: () => Promise<GlobalLimit[]>; save: (limits: LimitChanges) => Promise<GlobalLimit[]> }
  | { scope: "workspace"; load: () => Promise<AdminWorkspaceLimit[]>; save: (limits: LimitChanges) => Promise<AdminWorkspaceLimit[]> };

const SOURCE_LABEL: Record<EditableLimit["source"], string> = { key: "Set on the key", workspace: "Set for this workspace", global: "Global default", default: "Built-in default" };

/** What applies once the value edited here is removed. */
function fallbackOf(limit: EditableLimit): { value: number | null; source: "global" | "default" } {
  return "built_in" in limit ? { value: limit.built_in, source: "default" } : limit.inherited;
}

const fallbackText = (limit: EditableLimit) => {
  const fallback = fallbackOf(limit);
  return `${fallback.source === "global" ? "Global default" : "Built-in"}: ${limitValueText({ name: limit.name, value: fallback.value, window_seconds: limit.window_seconds })}`;
};

export function LimitsEditor(props: Props) {
  const [limits, { mutate, refetch }] = createResource<EditableLimit[]>(() => props.load());
  const [drafts, setDrafts] = createSignal<Partial<Record<LimitName, string>>>({});
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  /** The value edited here: the global row, or the workspace's own row. */
  const ownValue = (limit: EditableLimit) => (props.scope === "global" ? limit.source === "global" : limit.source === "workspace");
  const savedText = (limit: EditableLimit) => (ownValue(limit) && limit.value !== null ? String(limit.value) : "");
  const draftOf = (limit: EditableLimit) => drafts()[limit.name] ?? savedText(limit);
  const changed = () => Object.keys(drafts()).length > 0;
  const inputLabel = (name: LimitName) => `${limitLabel(name)}, ${props.scope === "global" ? "global value" : "this workspace's value"}`;

  const save = async (event: Event) => {
    event.preventDefault();
    const body: LimitChanges = {};
    for (const [name, text] of Object.entries(drafts()) as Array<[LimitName, string]>) {
      const trimmed = text.trim().replaceAll(",", "");
      const current = limits.latest?.find((limit) => limit.name === name);
      if (current && trimmed === savedText(current)) continue;
      if (trimmed === "") body[name] = null;
      else if (/^\d+$/.test(trimmed)) body[name] = Number(trimmed);
      else return setError(`${limitLabel(name)}: a whole number of 0 or more, or empty for the ${props.scope === "global" ? "built-in" : "global"} default`);
    }
    if (Object.keys(body).length === 0) return setDrafts({});
    setSaving(true);
    setError(null);
    try {
      mutate(await (props.save as (limits: LimitChanges) => Promise<EditableLimit[]>)(body));
      setDrafts({});
      notify("Limits saved; the edge applies them within a second");
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <AsyncView resource={limits} errorTitle="The limits could not be loaded" loading="Loading limits…" onRetry={refetch} empty={<EmptyState title="No limits are defined" />}>
        <form class="stack" onSubmit={save} aria-label={props.scope === "global" ? "Global limits" : "This workspace's limits"}>
          <div class="table-scroll" tabindex="0" role="region" aria-label="Limits and quotas, scrolls sideways">
            <table class="admin-table limits-table">
              <caption class="visually-hidden">Limits and quotas</caption>
              <thead>
                <tr>
                  <th scope="col">Limit</th>
                  <th scope="col">In force</th>
                  <th scope="col">From</th>
                  <th scope="col">{props.scope === "global" ? "Without a global value" : "Without its own value"}</th>
                  <Show when={props.scope === "workspace"}>
                    <th scope="col">Used this period</th>
                  </Show>
                  <th scope="col">{props.scope === "global" ? "Global value" : "This workspace's value"}</th>
                </tr>
              </thead>
              <tbody>
                <For each={limits.latest}>
                  {(limit) => (
                    <tr data-limit={limit.name} data-source={limit.source}>
                      <td>
                        {limitLabel(limit.name)}
                        <div class="muted small">
                          <code>{limit.name}</code>: {limit.description}
                        </div>
                      </td>
                      <td class="nowrap">{limit.value === null ? <span class="muted">Unlimited</span> : limitValueText(limit)}</td>
                      <td>{SOURCE_LABEL[limit.source]}</td>
                      <td class="muted">{fallbackText(limit)}</td>
                      <Show when={props.scope === "workspace"}>
                        <td class="nowrap" title={"usage" in limit && limit.usage ? `Resets ${new Date(limit.usage.resets_at).toUTCString()}` : undefined}>
                          {"usage" in limit && limit.usage ? usageText(limit) : <span class="muted">–</span>}
                        </td>
                      </Show>
                      <td>
                        <label class="visually-hidden" for={`limit-${limit.name}`}>
                          {inputLabel(limit.name)}
                        </label>
                        <input
                          id={`limit-${limit.name}`}
                          inputmode="numeric"
                          autocomplete="off"
                          placeholder={props.scope === "global" ? "Built-in" : "Global default"}
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
          <p class="muted small">
            {props.scope === "global"
              ? "An empty box removes the global value: the built-in default applies again."
              : "An empty box removes this workspace's value: the global default applies again."}{" "}
            LLM spend is in millionths of a US dollar (5,000,000 is $5.00).
          </p>
          <FormError message={error()} />
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
      </AsyncView>
    </>
  );
}
