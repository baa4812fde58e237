// What a version's status means (shown beside the timeline and as each badge's description), and
// the per-version authoring actions: start a new draft from any version (drafts live side by
// side) and discard a draft.
import { createSignal, For, Show } from "solid-js";
import { createDraftFrom, discardDraft } from "~/api/authoring";
import { describeError } from "~/api/client";
import type { Version, VersionStatus, VersionSummary } from "~/api/prompts";
import { notify } from "~/components/toasts";

export const STATUS_MEANING: Record<VersionStatus, string> = {
  draft: "Still being written: it can change, can be discarded, and no app is served it.",
  testing: "Published to development or staging (or served by production before): frozen, for trying out.",
  production: "What production serves to your apps now: frozen.",
  archived: "Retired: frozen and kept as history.",
};

/** The legend of the statuses, captioning the versions timeline. */
export function StatusLegend() {
  return (
    <dl class="status-legend muted small" id="version-status-legend" aria-label="What the version statuses mean">
      <For each={["draft", "testing", "production"] as const}>
        {(status) => (
          <div>
            <dt>{status === "draft" ? "Draft" : status === "testing" ? "Testing" : "Production"}</dt>
            <dd>{STATUS_MEANING[status]}</dd>
          </div>
        )}
      </For>
    </dl>
  );
}

export function VersionActions(props: { promptId: string; version: VersionSummary; onDraftCreated: (draft: Version) => void; onDiscarded: (version: VersionSummary) => void }) {
  const [busy, setBusy] = createSignal(false);
  const run = async (work: () => Promise<void>) => {
    if (busy()) return;
    setBusy(true);
    try {
      await work();
    } catch (caught) {
      notify(describeError(caught), "error");
    } finally {
      setBusy(false);
    }
  };
  const newDraft = () =>
    run(async () => {
      const draft = await createDraftFrom(props.promptId, props.version.id);
      notify(`Draft v${draft.version_number} started from v${props.version.version_number}`);
      props.onDraftCreated(draft);
    });
  const discard = () =>
    run(async () => {
      if (!confirm(`Discard draft v${props.version.version_number}? It is deleted for good.`)) return;
      await discardDraft(props.promptId, props.version.id);
      notify(`Draft v${props.version.version_number} discarded`);
      props.onDiscarded(props.version);
    });
  return (
    <>
      <button type="button" class="secondary small" disabled={busy()} onClick={() => void newDraft()} aria-label={`New draft from version ${props.version.version_number}`}>
        New draft
      </button>
      <Show when={props.version.status === "draft"}>
        <button type="button" class="secondary small" disabled={busy()} onClick={() => void discard()} aria-label={`Discard draft version ${props.version.version_number}`}>
          Discard
        </button>
      </Show>
    </>
  );
}
