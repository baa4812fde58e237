// One prompt (P3–P5): the editor of its working draft (text or chat, variables, model settings,
// changelog) with a live preview, the versions timeline and diffs, publishing per environment
// with approvals and history, and the snippet apps fetch it with. Viewers see it all read-only.
import { useParams, useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createResource, createSignal, For, Match, on, Show, Switch } from "solid-js";
import { describeError } from "~/api/client";
import { call } from "~/api/contract";
import type { Prompt, Scalar, Version, VersionSummary } from "~/api/prompts";
import { variablesInTemplate } from "~/api/prompts";
import { ENVIRONMENTS, type Environment } from "~/api/types";
import { ErrorNotice, Loading } from "~/components/async-state";
import { FormError, TextAreaField } from "~/components/field";
import { PageHeader } from "~/components/page-header";
import { PromptEditor } from "~/components/lazy-codemirror";
import { TagList } from "~/components/tag-chip";
import type { ProblemSpan } from "~/components/template-language";
import { notify } from "~/components/toasts";
import { DependentsPanel } from "~/prompts/dependents-panel";
import { DeploymentsPanel, ENVIRONMENT_LABEL, PublishDialog } from "~/prompts/deployments-panel";
import { checkModel, checkVariables, draftFromVersion, emptyDraft, fingerprint, newKey, versionBody, type Draft } from "~/prompts/draft";
import { EdgeSnippet } from "~/prompts/edge-snippet";
import { MessagesEditor } from "~/prompts/messages-editor";
import { PreviewPanel, type LocatedProblem } from "~/prompts/preview-panel";
import { CharCount, PROMPT_LIMITS } from "~/prompts/char-count";
import { PromptActions } from "~/prompts/prompt-actions";
import { VersionsPanel } from "~/prompts/versions-panel";
import { ModelSettings, VariablesEditor } from "~/prompts/variables-editor";
import { canEdit, currentWorkspace, isAdmin } from "~/session/session";
import "~/styles/prompts.css";

const TABS = [
  { id: "editor", label: "Editor" },
  { id: "versions", label: "Versions" },
  { id: "deployments", label: "Deployments" },
  { id: "code", label: "Use in code" },
] as const;
type TabId = (typeof TABS)[number]["id"];

/** The version the editor's draft came from: edited in place when a draft, else the base of a new one. */
interface EditorBase {
  id: string;
  versionNumber: number;
  status: Version["status"];
}

export default function PromptPage() {
  const params = useParams<{ id: string }>();
  const [search, setSearch] = useSearchParams<{ tab?: string }>();
  const tab = (): TabId => (TABS.some((item) => item.id === search.tab) ? (search.tab as TabId) : "editor");

  const key = () => {
    const workspaceId = currentWorkspace()?.id;
    return workspaceId ? { workspaceId, promptId: params.id } : undefined;
  };
  const [prompt, { refetch: refetchPrompt }] = createResource(key, ({ promptId }) => call("get", "/api/prompts/{promptId}", { params: { promptId } }));
  const [versions, { refetch: refetchVersions }] = createResource(key, async ({ promptId }) => (await call("get", "/api/prompts/{promptId}/versions", { params: { promptId }, query: { limit: 100 } })).versions);
  const [members] = createResource(key, async ({ workspaceId }) => (await call("get", "/api/workspaces/{workspaceId}/members", { params: { workspaceId } })).members);
  const [workspace] = createResource(key, ({ workspaceId }) => call("get", "/api/workspaces/{workspaceId}", { params: { workspaceId } }));

  const authorName = (userId: string | null) => {
    if (!userId) return "someone";
    const member = members()?.find((candidate) => candidate.user_id === userId);
    return member?.name ?? "a former member";
  };
  const needsApproval = (environment: Environment) => environment === "production" && (workspace()?.require_production_approval ?? false) && !isAdmin();

  const [draft, setDraft] = createSignal<Draft>(emptyDraft());
  const [base, setBase] = createSignal<EditorBase | null>(null);
  const [savedFingerprint, setSavedFingerprint] = createSignal(fingerprint(emptyDraft()));
  const [editorReady, setEditorReady] = createSignal(false);
  const [saving, setSaving] = createSignal(false);
  const [saveError, setSaveError] = createSignal<string | null>(null);
  const [problems, setProblems] = createSignal<LocatedProblem[]>([]);
  const [samples, setSamples] = createSignal<Record<string, Scalar>>({});
  const [sampleText, setSampleText] = createSignal<Record<string, string>>({});
  const [refreshKey, setRefreshKey] = createSignal(0);
  const [publishing, setPublishing] = createSignal<{ versionId: string | null; environment: Environment } | null>(null);

  const readOnly = () => !canEdit();
  const dirty = () => fingerprint(draft()) !== savedFingerprint();
  const patch = (change: Partial<Draft>) => setDraft({ ...draft(), ...change });

  const openVersion = async (versionId: string) => {
    const version = await call("get", "/api/prompts/{promptId}/versions/{versionId}", { params: { promptId: params.id, versionId } });
    const editingInPlace = version.status === "draft";
    const loaded = draftFromVersion(version, editingInPlace);
    setDraft(loaded);
    setSavedFingerprint(fingerprint(loaded));
    setBase({ id: version.id, versionNumber: version.version_number, status: version.status });
    setEditorReady(true);
  };

  // The editor starts on the newest version: a draft is edited in place, anything else is the
  // base of the next draft.
  createEffect(
    on(
      () => versions(),
      (list) => {
        if (!list || editorReady()) return;
        const newest = list[0];
        if (!newest) {
          setEditorReady(true);
          return;
        }
        openVersion(newest.id).catch((caught) => {
          notify(describeError(caught), "error");
          setEditorReady(true);
        });
      },
    ),
  );
  // Another prompt (or workspace): start over.
  createEffect(
    on(key, () => {
      setEditorReady(false);
      setBase(null);
      setDraft(emptyDraft());
      setSavedFingerprint(fingerprint(emptyDraft()));
    }, { defer: true }),
  );

  const checkedVariables = createMemo(() => checkVariables(draft().variables));
  const checkedModel = createMemo(() => checkModel(draft().model));
  const sources = () => (draft().kind === "text" ? [draft().content] : draft().messages.map((message) => message.content));
  const undeclared = createMemo(() => {
    const declared = new Set(draft().variables.map((row) => row.name.trim()));
    return [...new Set(sources().flatMap(variablesInTemplate))].filter((name) => !declared.has(name));
  });
  const spans = (messageIndex: number | null): ProblemSpan[] =>
    problems()
      .filter((problem) => problem.messageIndex === messageIndex && problem.from !== null && problem.to !== null)
      .map((problem) => ({ from: problem.from!, to: problem.to!, message: problem.message }));

  const willCreate = () => base()?.status !== "draft";
  const nextNumber = () => (versions()?.[0]?.version_number ?? 0) + 1;

  const save = async () => {
    if (readOnly() || saving()) return;
    setSaveError(null);
    const variables = checkedVariables();
    if (variables.problems.size > 0) {
      setSaveError("Fix the variables first: " + [...variables.problems.values()][0]);
      return;
    }
    const model = checkedModel();
    if (model.problem) {
      setSaveError(model.problem);
      return;
    }
    const body = versionBody(draft(), variables.variables, model.config);
    const changelog = draft().changelog.trim();
    setSaving(true);
    try {
      const current = base();
      const saved =
        current && current.status === "draft"
          ? await call("patch", "/api/prompts/{promptId}/versions/{versionId}", { params: { promptId: params.id, versionId: current.id }, body: { ...body, changelog: changelog || null } })
          : await call("post", "/api/prompts/{promptId}/versions", { params: { promptId: params.id }, body: { ...body, ...(changelog ? { changelog } : {}) } });
      setBase({ id: saved.id, versionNumber: saved.version_number, status: saved.status });
      setSavedFingerprint(fingerprint(draft()));
      notify(`Draft v${saved.version_number} saved`);
      void refetchVersions();
      void refetchPrompt();
    } catch (caught) {
      setSaveError(describeError(caught));
    } finally {
      setSaving(false);
    }
  };

  const afterDeployment = () => {
    void refetchPrompt();
    void Promise.resolve(refetchVersions()).then(() => {
      // The version in the editor may have left draft: the next save makes a new one.
      const current = base();
      const now = versions()?.find((version) => version.id === current?.id);
      if (current && now && now.status !== current.status) setBase({ ...current, status: now.status });
    });
    setRefreshKey(refreshKey() + 1);
  };

  const switchKind = (kind: Draft["kind"]) => {
    const current = draft();
    if (kind === current.kind) return;
    if (kind === "chat") patch({ kind, messages: current.content ? [{ key: newKey(), role: "user", content: current.content }] : current.messages });
    else patch({ kind, content: current.messages.map((message) => message.content).join("\n\n") });
  };

  const openFromTimeline = (version: VersionSummary) => {
    if (dirty() && !confirm("Discard the unsaved changes in the editor?")) return;
    openVersion(version.id)
      .then(() => setSearch({ tab: "editor" }))
      .catch((caught) => notify(describeError(caught), "error"));
  };

  const declaredForEditor = () => checkedVariables().variables.map((variable) => ({ name: variable.name, type: variable.type }));

  return (
    <Switch>
      <Match when={prompt.error}>
        <ErrorNotice error={prompt.error} title="This prompt could not be loaded" onRetry={() => void refetchPrompt()} />
      </Match>
      <Match when={prompt()}>
        {(current) => (
          <section class="prompt-page" onKeyDown={(event) => {
            if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
              event.preventDefault();
              void save();
            }
          }}>
            <PageHeader
              title={current().name}
              back={{ href: "/prompts", label: "Prompts" }}
              description={
                <span class="prompt-meta">
                  <code>{current().slug}</code>
                  <Show when={current().status === "archived"}>
                    <span class="badge" data-tone="bad">
                      Archived
                    </span>
                  </Show>
                  <TagList tags={current().tags} />
                  <Show when={current().description}>
                    <span title={current().description ?? undefined}>{current().description}</span>
                  </Show>
                </span>
              }
              actions={
                <Show when={canEdit()} fallback={<span class="badge">Read-only (Viewer)</span>}>
                  <PromptActions prompt={current()} versions={versions() ?? []} onChanged={() => void refetchPrompt()} />
                  <Show when={dirty()}>
                    <span class="badge" data-tone="warn" role="status">
                      Unsaved changes
                    </span>
                  </Show>
                  <button type="button" class="secondary" disabled={saving() || !editorReady() || (!dirty() && !willCreate())} onClick={() => void save()} title="Ctrl+S">
                    {saving() ? "Saving…" : "Save draft"}
                  </button>
                  <button type="button" disabled={(versions() ?? []).length === 0} onClick={() => setPublishing({ versionId: base()?.id ?? null, environment: "production" })}>
                    Publish
                  </button>
                </Show>
              }
            />

            <ul class="environment-strip" aria-label="What each environment serves">
              <For each={ENVIRONMENTS}>
                {(environment) => (
                  <li data-live={current().environments[environment] ? "true" : undefined}>
                    <span class="muted">{ENVIRONMENT_LABEL[environment]}</span>{" "}
                    <strong>{current().environments[environment] ? `v${current().environments[environment]!.version_number}` : "–"}</strong>
                  </li>
                )}
              </For>
            </ul>

            <div class="tabs" role="tablist" aria-label="Prompt sections">
              <For each={TABS}>
                {(item) => (
                  <button type="button" role="tab" id={`tab-${item.id}`} aria-selected={tab() === item.id} aria-controls={`panel-${item.id}`} onClick={() => setSearch({ tab: item.id === "editor" ? undefined : item.id })}>
                    {item.label}
                    <Show when={item.id === "versions" && (versions() ?? []).length > 0}>
                      <span class="tab-count">{versions()!.length}</span>
                    </Show>
                  </button>
                )}
              </For>
            </div>

            <Switch>
              <Match when={tab() === "editor"}>
                <div role="tabpanel" id="panel-editor" aria-labelledby="tab-editor" class="editor-layout">
                  <Show when={editorReady()} fallback={<Loading label="Opening the latest version…" />}>
                    <div class="stack editor-main">
                      <section class="panel" aria-labelledby="template-heading">
                        <div class="panel-head">
                          <div class="row">
                            <h2 id="template-heading">Template</h2>
                            <Show when={base()} fallback={<span class="badge">New · will be v1</span>}>
                              {(from) => (
                                <Show when={from().status === "draft"} fallback={<span class="badge" data-tone="accent">Based on v{from().versionNumber} · saving creates v{nextNumber()}</span>}>
                                  <span class="badge">Draft v{from().versionNumber}</span>
                                </Show>
                              )}
                            </Show>
                          </div>
                          <div class="segmented" role="radiogroup" aria-label="Prompt kind">
                            <For each={["text", "chat"] as const}>
                              {(kind) => (
                                <button type="button" role="radio" aria-checked={draft().kind === kind} disabled={readOnly()} onClick={() => switchKind(kind)}>
                                  {kind === "text" ? "Text" : "Chat"}
                                </button>
                              )}
                            </For>
                          </div>
                        </div>
                        <Show
                          when={draft().kind === "chat"}
                          fallback={
                            <PromptEditor
                              label="Prompt template"
                              value={draft().content}
                              onChange={(content) => patch({ content })}
                              variables={declaredForEditor()}
                              problems={spans(null)}
                              readOnly={readOnly()}
                              minLines={10}
                              placeholder="Write the prompt. {name} inserts a variable, {% if vip %}…{% else %}…{% endif %} chooses text, {{ and }} are literal braces."
                            />
                          }
                        >
                          <MessagesEditor messages={draft().messages} onChange={(messages) => patch({ messages })} variables={declaredForEditor()} problems={(index) => spans(index)} readOnly={readOnly()} />
                        </Show>
                        <p class="muted small syntax-help">
                          <code>{"{name}"}</code> variable · <code>{"{% if name %}…{% else %}…{% endif %}"}</code> condition · <code>{"{{"}</code> <code>{"}}"}</code> literal braces · <code>{'{% include "slug" %}'}</code> another prompt's published text (a snippet) · type{" "}
                          <kbd>{"{"}</kbd> for the declared variables · <CharCount value={sources().join("")} max={PROMPT_LIMITS.templateChars} label="Template" />
                        </p>
                      </section>

                      <section class="panel" aria-labelledby="variables-heading">
                        <h2 id="variables-heading">Variables</h2>
                        <VariablesEditor rows={draft().variables} onChange={(variables) => patch({ variables })} problems={checkedVariables().problems} undeclared={undeclared()} readOnly={readOnly()} />
                      </section>

                      <section class="panel" aria-labelledby="model-heading">
                        <h2 id="model-heading">Model</h2>
                        <ModelSettings model={draft().model} onChange={(model) => patch({ model })} problem={checkedModel().problem} readOnly={readOnly()} />
                      </section>

                      <Show when={!readOnly()}>
                        <section class="panel stack" aria-labelledby="save-heading">
                          <h2 id="save-heading">Save</h2>
                          <TextAreaField label="Changelog" rows={2} maxLength={2000} placeholder="What changed and why" value={draft().changelog} onInput={(event) => patch({ changelog: event.currentTarget.value })} />
                          <FormError message={saveError()} />
                          <div class="row">
                            <button type="button" disabled={saving() || (!dirty() && !willCreate())} onClick={() => void save()}>
                              {saving() ? "Saving…" : willCreate() ? `Save draft v${nextNumber()}` : `Save draft v${base()?.versionNumber ?? ""}`}
                            </button>
                            <span class="muted small">Drafts can change; a version is frozen once published.</span>
                          </div>
                        </section>
                      </Show>
                    </div>

                    <aside class="editor-side">
                      <section class="panel preview-sticky" aria-labelledby="preview-heading">
                        <h2 id="preview-heading">Preview</h2>
                        <PreviewPanel
                          promptId={current().id}
                          kind={draft().kind}
                          content={draft().content}
                          messages={draft().messages}
                          variables={checkedVariables().variables}
                          samples={sampleText()}
                          onSamplesChange={setSampleText}
                          onProblems={setProblems}
                          onValues={setSamples}
                        />
                      </section>
                    </aside>
                  </Show>
                </div>
              </Match>
              <Match when={tab() === "versions"}>
                <div role="tabpanel" id="panel-versions" aria-labelledby="tab-versions">
                  <Show when={versions()} fallback={<Loading label="Loading versions…" />}>
                    {(list) => (
                      <VersionsPanel
                        promptId={current().id}
                        versions={list()}
                        authorName={authorName}
                        editingVersionId={base()?.status === "draft" ? (base()?.id ?? null) : null}
                        canEdit={canEdit()}
                        onOpen={openFromTimeline}
                        onPublish={(version) => setPublishing({ versionId: version.id, environment: "production" })}
                        onDraftCreated={() => void refetchVersions()}
                        onDiscarded={(version) => {
                          // The editor held the discarded draft: it reopens on the newest version.
                          if (base()?.id === version.id) {
                            setBase(null);
                            setDraft(emptyDraft());
                            setSavedFingerprint(fingerprint(emptyDraft()));
                            setEditorReady(false);
                          }
                          void refetchVersions();
                        }}
                      />
                    )}
                  </Show>
                </div>
              </Match>
              <Match when={tab() === "deployments"}>
                <div role="tabpanel" id="panel-deployments" aria-labelledby="tab-deployments">
                  <DeploymentsPanel
                    prompt={current()}
                    versions={versions() ?? []}
                    refreshKey={refreshKey()}
                    canPublish={canEdit()}
                    isAdmin={isAdmin()}
                    needsApproval={needsApproval}
                    authorName={authorName}
                    onPublish={(environment) => setPublishing({ versionId: current().environments[environment]?.version_id ?? null, environment })}
                    onChanged={afterDeployment}
                  />
                  <DependentsPanel promptId={current().id} slug={current().slug} canPublish={canEdit()} refreshKey={refreshKey()} />
                </div>
              </Match>
              <Match when={tab() === "code"}>
                <div role="tabpanel" id="panel-code" aria-labelledby="tab-code">
                  <section class="panel" aria-labelledby="code-heading">
                    <h2 id="code-heading">Use it from your app</h2>
                    <p class="muted">
                      Apps get the live version by slug: the SDKs cache it and render it in the app, cURL asks the edge. Either way the answer carries the rendered{" "}
                      {draft().kind === "chat" ? "messages" : "text"}, the model settings and a <code>trace_id</code> to attach business events to.
                    </p>
                    {/* Built from the newest version's variables: until it has loaded, code without them would be wrong to copy. */}
                    <Show when={editorReady()} fallback={<p class="muted" role="status">Loading the prompt's variables…</p>}>
                      <EdgeSnippet slug={current().slug} kind={draft().kind} variables={checkedVariables().variables} samples={samples()} />
                    </Show>
                  </section>
                </div>
              </Match>
            </Switch>

            <PublishDialog
              open={publishing() !== null}
              promptId={current().id}
              versions={versions() ?? []}
              initialVersionId={publishing()?.versionId ?? null}
              initialEnvironment={publishing()?.environment ?? "production"}
              needsApproval={needsApproval}
              unsavedChanges={dirty()}
              onClose={() => setPublishing(null)}
              onDone={afterDeployment}
            />
          </section>
        )}
      </Match>
      <Match when={true}>
        <Loading label="Loading the prompt…" />
      </Match>
    </Switch>
  );
}

