// The versions timeline (number, status, environments, changelog, author, date) and a
// side-by-side diff of any two versions: the text through @codemirror/merge, the variables and
// model settings from the API's diff (GET /api/prompts/{id}/diff).
import { createEffect, createMemo, createResource, createSignal, For, on, Show } from "solid-js";
import { call } from "~/api/contract";
import type { Version, VersionStatus, VersionSummary } from "~/api/prompts";
import { AsyncView } from "~/components/async-state";
import { SelectField } from "~/components/field";
import { VersionDiffView } from "~/components/lazy-codemirror";
import { messagesAsText } from "~/components/messages-text";
import { describeIncludeChanges } from "./snippet-includes";
import { formatDateTime, formatRelative } from "~/lib/format";
import { STATUS_MEANING, StatusLegend, VersionActions } from "./version-actions";

export const STATUS_TONE: Record<VersionStatus, string | undefined> = { draft: undefined, testing: "warn", production: "ok", archived: undefined };
export const STATUS_LABEL: Record<VersionStatus, string> = { draft: "Draft", testing: "Testing", production: "Production", archived: "Archived" };

export function StatusBadge(props: { status: VersionStatus }) {
  return (
    <span class="badge" data-tone={STATUS_TONE[props.status]} title={STATUS_MEANING[props.status]}>
      {STATUS_LABEL[props.status]}
    </span>
  );
}

export function VersionsPanel(props: {
  promptId: string;
  versions: readonly VersionSummary[];
  authorName: (userId: string | null) => string;
  editingVersionId: string | null;
  canEdit: boolean;
  onOpen: (version: VersionSummary) => void;
  onPublish: (version: VersionSummary) => void;
  onDraftCreated: (draft: Version) => void;
  onDiscarded: (version: VersionSummary) => void;
}) {
  const [fromId, setFromId] = createSignal<string>("");
  const [toId, setToId] = createSignal<string>("");
  // Default comparison: the newest version against the one before it.
  createEffect(
    on(
      () => props.versions.map((version) => version.id).join(),
      () => {
        const [newest, previous] = props.versions;
        if (!props.versions.some((version) => version.id === toId())) setToId(newest?.id ?? "");
        if (!props.versions.some((version) => version.id === fromId())) setFromId(previous?.id ?? "");
      },
    ),
  );

  return (
    <div class="stack">
      <section class="panel" aria-labelledby="versions-heading">
        <div class="panel-head">
          <h2 id="versions-heading">Versions</h2>
          <span class="muted small">{props.versions.length} in all, newest first</span>
        </div>
        <StatusLegend />
        <Show when={props.versions.length > 0} fallback={<p class="muted">No versions yet. Write the template in the editor and save a draft: it becomes version 1.</p>}>
          <ol class="timeline">
            <For each={props.versions}>
              {(version) => (
                <li class="timeline-item" data-status={version.status}>
                  <span class="timeline-dot" aria-hidden="true" />
                  <div class="timeline-body">
                    <div class="row">
                      <strong>v{version.version_number}</strong>
                      <StatusBadge status={version.status} />
                      <span class="badge">{version.kind}</span>
                      <For each={version.environments}>
                        {(environment) => (
                          <span class="badge" data-tone="accent">
                            live in {environment}
                          </span>
                        )}
                      </For>
                      <Show when={props.editingVersionId === version.id}>
                        <span class="badge" data-tone="warn">
                          in the editor
                        </span>
                      </Show>
                    </div>
                    <p class="timeline-changelog">{version.changelog || <span class="muted">No changelog</span>}</p>
                    <p class="muted small">
                      {props.authorName(version.created_by_id)} · <time datetime={version.created_at} title={formatDateTime(version.created_at)}>{formatRelative(version.created_at)}</time>
                    </p>
                  </div>
                  <div class="timeline-actions row">
                    <button type="button" class="secondary small" onClick={() => props.onOpen(version)} aria-label={`Open version ${version.version_number} in the editor`}>
                      {version.status === "draft" && props.canEdit ? "Edit" : "Open"}
                    </button>
                    <Show when={props.canEdit}>
                      <button type="button" class="secondary small" onClick={() => props.onPublish(version)} aria-label={`Publish version ${version.version_number}`}>
                        Publish…
                      </button>
                      <VersionActions promptId={props.promptId} version={version} onDraftCreated={props.onDraftCreated} onDiscarded={props.onDiscarded} />
                    </Show>
                  </div>
                </li>
              )}
            </For>
          </ol>
        </Show>
      </section>

      <section class="panel" aria-labelledby="diff-heading">
        <div class="panel-head">
          <h2 id="diff-heading">Compare versions</h2>
        </div>
        <Show when={props.versions.length >= 2} fallback={<p class="muted">Save a second version to compare it with the first.</p>}>
          <div class="row diff-pickers">
            <SelectField label="From" value={fromId()} onChange={(event) => setFromId(event.currentTarget.value)}>
              <For each={props.versions}>{(version) => <option value={version.id}>v{version.version_number} · {STATUS_LABEL[version.status]}</option>}</For>
            </SelectField>
            <span aria-hidden="true" class="diff-arrow">
              →
            </span>
            <SelectField label="To" value={toId()} onChange={(event) => setToId(event.currentTarget.value)}>
              <For each={props.versions}>{(version) => <option value={version.id}>v{version.version_number} · {STATUS_LABEL[version.status]}</option>}</For>
            </SelectField>
          </div>
          <Show when={fromId() && toId() ? { from: fromId(), to: toId() } : undefined} keyed>
            {(pair) => <DiffOfTwo promptId={props.promptId} fromId={pair.from} toId={pair.to} versions={props.versions} />}
          </Show>
        </Show>
      </section>
    </div>
  );
}

function DiffOfTwo(props: { promptId: string; fromId: string; toId: string; versions: readonly VersionSummary[] }) {
  const number = (id: string) => props.versions.find((version) => version.id === id)?.version_number ?? "?";
  const [data, { refetch }] = createResource(
    () => ({ from: props.fromId, to: props.toId }),
    async ({ from, to }) => {
      const [older, newer, diff] = await Promise.all([
        call("get", "/api/prompts/{promptId}/versions/{versionId}", { params: { promptId: props.promptId, versionId: from } }),
        call("get", "/api/prompts/{promptId}/versions/{versionId}", { params: { promptId: props.promptId, versionId: to } }),
        from === to ? Promise.resolve(null) : call("get", "/api/prompts/{promptId}/diff", { params: { promptId: props.promptId }, query: { from, to } }),
      ]);
      return { older, newer, diff };
    },
  );
  const text = (version: Version) => (version.kind === "chat" ? messagesAsText(version.messages ?? []) : (version.content ?? ""));
  const changes = createMemo(() => {
    const diff = data()?.diff;
    if (!diff) return [];
    const lines: string[] = [];
    for (const variable of diff.variables.added) lines.push(`Variable added: ${String(variable.name)} (${String(variable.type)}${variable.required ? ", required" : ""})`);
    for (const variable of diff.variables.removed) lines.push(`Variable removed: ${String(variable.name)}`);
    for (const variable of diff.variables.changed) lines.push(`Variable changed: ${variable.name} ${JSON.stringify(variable.from)} → ${JSON.stringify(variable.to)}`);
    for (const [key, value] of Object.entries(diff.model_config.added)) lines.push(`Model setting added: ${key} = ${JSON.stringify(value)}`);
    for (const key of Object.keys(diff.model_config.removed)) lines.push(`Model setting removed: ${key}`);
    for (const [key, change] of Object.entries(diff.model_config.changed)) lines.push(`Model setting changed: ${key} ${JSON.stringify(change.from)} → ${JSON.stringify(change.to)}`);
    lines.push(...describeIncludeChanges(diff.includes));
    return lines;
  });
  const counts = createMemo(() => {
    const diff = data()?.diff;
    if (!diff) return null;
    const lines = diff.content.length > 0 ? diff.content : diff.messages.flatMap((message) => message.lines);
    return { added: lines.filter((line) => line.op === "insert").length, removed: lines.filter((line) => line.op === "delete").length };
  });
  return (
    <AsyncView resource={data} errorTitle="The diff could not be loaded" loading="Comparing…" onRetry={() => void refetch()}>
      {(loaded) => (
        <div class="stack">
          <Show when={props.fromId !== props.toId} fallback={<p class="muted">Pick two different versions.</p>}>
            <p class="diff-summary" aria-live="polite">
              <strong>
                v{number(props.fromId)} → v{number(props.toId)}
              </strong>
              <Show when={counts()}>
                {(count) => (
                  <>
                    {" "}
                    <span class="diff-added">+{count().added} line{count().added === 1 ? "" : "s"}</span> <span class="diff-removed">−{count().removed} line{count().removed === 1 ? "" : "s"}</span>
                  </>
                )}
              </Show>
            </p>
            <VersionDiffView from={{ label: `Version ${number(props.fromId)}`, text: text(loaded().older) }} to={{ label: `Version ${number(props.toId)}`, text: text(loaded().newer) }} />
            <Show when={changes().length > 0} fallback={<p class="muted small">Variables and model settings are the same.</p>}>
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
