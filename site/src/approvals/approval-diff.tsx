// What an approval would change: the version the environment serves now against the version
// asked for (text side by side, then variables and model settings from GET /api/prompts/{id}/diff).
// Nothing served yet: the left side is empty and says so.
import { createMemo, createResource, For, Show } from "solid-js";
import { call } from "~/api/contract";
import type { Version } from "~/api/prompts";
import { AsyncView } from "~/components/async-state";
import { VersionDiffView } from "~/components/lazy-codemirror";
import { messagesAsText } from "~/components/messages-text";

const text = (version: Version) => (version.kind === "chat" ? messagesAsText(version.messages ?? []) : (version.content ?? ""));

export function ApprovalDiff(props: {
  promptId: string;
  environment: string;
  fromId: string | null;
  fromNumber: number | null;
  toId: string;
  toNumber: number;
  /** For the version already served: the snippets approving would inline anew. */
  snippetChanges?: ReadonlyArray<{ slug: string; from_version: number; to_version: number | null }>;
}) {
  const [data, { refetch }] = createResource(
    () => ({ prompt: props.promptId, from: props.fromId, to: props.toId }),
    async ({ prompt, from, to }) => {
      const [older, newer, diff] = await Promise.all([
        from ? call("get", "/api/prompts/{promptId}/versions/{versionId}", { params: { promptId: prompt, versionId: from } }) : Promise.resolve(null),
        call("get", "/api/prompts/{promptId}/versions/{versionId}", { params: { promptId: prompt, versionId: to } }),
        from && from !== to ? call("get", "/api/prompts/{promptId}/diff", { params: { promptId: prompt }, query: { from, to } }) : Promise.resolve(null),
      ]);
      return { older, newer, diff };
    },
  );
  const changes = createMemo(() => {
    const diff = data()?.diff;
    if (!diff) return [];
    const lines: string[] = [];
    for (const variable of diff.variables.added) lines.push(`Variable added: ${String(variable.name)}`);
    for (const variable of diff.variables.removed) lines.push(`Variable removed: ${String(variable.name)}`);
    for (const variable of diff.variables.changed) lines.push(`Variable changed: ${variable.name}`);
    for (const [key, value] of Object.entries(diff.model_config.added)) lines.push(`Model setting added: ${key} = ${JSON.stringify(value)}`);
    for (const key of Object.keys(diff.model_config.removed)) lines.push(`Model setting removed: ${key}`);
    for (const [key, change] of Object.entries(diff.model_config.changed)) lines.push(`Model setting changed: ${key} ${JSON.stringify(change.from)} → ${JSON.stringify(change.to)}`);
    return lines;
  });
  const fromLabel = () => (props.fromNumber === null ? `Nothing served in ${props.environment}` : `Version ${props.fromNumber} (served in ${props.environment} now)`);
  return (
    <AsyncView resource={data} errorTitle="The diff could not be loaded" loading="Comparing…" onRetry={() => void refetch()}>
      {(loaded) => (
        <div class="stack">
          <Show
            when={props.fromId !== props.toId}
            fallback={
              <Show when={(props.snippetChanges ?? []).length > 0} fallback={<p class="muted small">This version is already served in {props.environment}.</p>}>
                <p class="small">
                  This version is already served in {props.environment}; approving inlines its snippets anew:{" "}
                  {(props.snippetChanges ?? []).map((change) => `${change.slug} v${change.from_version} → ${change.to_version === null ? "nothing served" : `v${change.to_version}`}`).join(", ")}.
                </p>
              </Show>
            }
          >
            <VersionDiffView from={{ label: fromLabel(), text: loaded().older ? text(loaded().older!) : "" }} to={{ label: `Version ${props.toNumber} (asked for)`, text: text(loaded().newer) }} />
            <Show when={changes().length > 0}>
              <ul class="change-list">
                <For each={changes()}>{(line) => <li>{line}</li>}</For>
              </ul>
            </Show>
          </Show>
        </div>
      )}
    </AsyncView>
  );
}
