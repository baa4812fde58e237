// One provider's keys on the settings page: the workspace's (Admins change it) and the user's
// own (used first, in every workspace). A saved key is never shown again, only its last four
// characters; a key can be tested before it is saved, and the saved one a run would use can be
// tested too, with the provider's own answer when it refuses.
import { createSignal, createUniqueId, Show } from "solid-js";
import { describeError } from "~/api/client";
import { deleteKey, PROVIDER_LABEL, saveKey, testKey, type LlmProvider, type LlmUsageTotals, type ProviderKey, type TestKeyAnswer } from "~/api/llm";
import { Dialog } from "~/components/dialog";
import { notify } from "~/components/toasts";
import { formatDate, formatMicros, formatNumber, formatRelative } from "~/lib/format";

const KEY_HINTS: Record<LlmProvider, string> = {
  openai: "Starts with sk-. Create one at platform.openai.com → API keys.",
  anthropic: "Starts with sk-ant-. Create one at console.anthropic.com → API keys.",
  google: "A Gemini API key from aistudio.google.com → Get API key.",
};

type TestResult = { ok: true; answer: TestKeyAnswer } | { ok: false; message: string } | null;

/** "…x7Qa" as the page shows every saved key: dots, then the last four characters. */
const masked = (suffix: string) => `••••${suffix.replace("…", "")}`;

const SOURCE_TEXT: Record<TestKeyAnswer["key_source"], string> = { request: "the key you typed", user: "your personal key", workspace: "the workspace key" };

/** The result of a key test, announced when it arrives. */
function TestOutcome(props: { provider: LlmProvider; result: TestResult; id?: string }) {
  return (
    <Show when={props.result}>
      {(result) => (
        <Show
          when={result().ok ? (result() as Extract<TestResult, { ok: true }>) : undefined}
          fallback={
            <p id={props.id} class="llm-test-result" data-ok="false" role="alert">
              <span class="badge" data-tone="bad">
                Rejected
              </span>{" "}
              {(result() as Extract<TestResult, { ok: false }>).message}
            </p>
          }
        >
          {(passed) => (
            <p id={props.id} class="llm-test-result" data-ok="true" role="status">
              <span class="badge" data-tone="ok">
                Valid
              </span>{" "}
              {PROVIDER_LABEL[props.provider]} accepted {SOURCE_TEXT[passed().answer.key_source]} <code class="llm-key-suffix">{masked(passed().answer.key_suffix)}</code>.
            </p>
          )}
        </Show>
      )}
    </Show>
  );
}

async function runTest(provider: LlmProvider, apiKey?: string): Promise<TestResult> {
  try {
    return { ok: true, answer: await testKey(provider, apiKey) };
  } catch (caught) {
    return { ok: false, message: describeError(caught) };
  }
}

function KeyRow(props: {
  provider: LlmProvider;
  scope: ProviderKey["scope"];
  saved: ProviderKey | undefined;
  canManage: boolean;
  canTest: boolean;
  readOnlyReason: string;
  onChanged: () => void;
}) {
  const id = createUniqueId();
  const [editing, setEditing] = createSignal(false);
  const [value, setValue] = createSignal("");
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [testing, setTesting] = createSignal(false);
  const [tested, setTested] = createSignal<TestResult>(null);
  const [confirmDelete, setConfirmDelete] = createSignal(false);
  const [deleting, setDeleting] = createSignal(false);
  const label = () => (props.scope === "workspace" ? "Workspace key" : "Your personal key");
  const owner = () => (props.scope === "workspace" ? "the workspace" : "you");
  /** Completes the buttons' names for screen readers: "Replace key for OpenAI (workspace)". */
  const forWhom = () => `for ${PROVIDER_LABEL[props.provider]} (${props.scope === "workspace" ? "workspace" : "personal"})`;

  const close = () => {
    setEditing(false);
    setValue("");
    setError(null);
    setTested(null);
  };
  const save = async () => {
    const key = value().trim();
    if (key.length < 8 || /\s/.test(key)) return setError("Paste the whole key: at least 8 characters, no spaces.");
    setSaving(true);
    setError(null);
    try {
      const saved = await saveKey(props.scope, props.provider, key);
      notify(`${PROVIDER_LABEL[props.provider]} key ${saved.key_suffix} saved for ${owner()}`);
      close();
      props.onChanged();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setSaving(false);
    }
  };
  const test = async () => {
    const key = value().trim();
    if (key.length < 8) return setError("Paste the key to test it.");
    setError(null);
    setTesting(true);
    setTested(await runTest(props.provider, key));
    setTesting(false);
  };
  const remove = async () => {
    setDeleting(true);
    try {
      await deleteKey(props.scope, props.provider);
      notify(`${PROVIDER_LABEL[props.provider]} key deleted for ${owner()}`);
      setConfirmDelete(false);
      props.onChanged();
    } catch (caught) {
      notify(describeError(caught), "error");
    } finally {
      setDeleting(false);
    }
  };

  return (
    <li class="llm-key-row" data-scope={props.scope}>
      <div class="llm-key-summary">
        <div>
          <p class="llm-key-label">{label()}</p>
          <p class="muted small">{props.scope === "workspace" ? "Used by every member without a key of their own." : "Used first for your runs, in every workspace."}</p>
        </div>
        <div class="llm-key-state">
          <Show when={props.saved} fallback={<span class="badge">Not set</span>}>
            {(saved) => (
              <span class="llm-key-meta">
                <span class="badge" data-tone="ok">
                  Saved
                </span>{" "}
                <code class="llm-key-suffix" title={`Key ending in ${saved().key_suffix.replace("…", "")}`}>
                  {masked(saved().key_suffix)}
                </code>
                <span class="muted small">
                  {" "}
                  · updated {formatDate(saved().updated_at)} · last used {formatRelative(saved().last_used_at)}
                </span>
              </span>
            )}
          </Show>
        </div>
        <div class="row llm-key-actions">
          <Show when={props.canManage} fallback={<span class="muted small">{props.readOnlyReason}</span>}>
            <Show when={!editing()}>
              <button type="button" class="secondary small" onClick={() => setEditing(true)}>
                {props.saved ? "Replace" : "Add key"}
                <span class="visually-hidden">
                  {props.saved ? " key" : ""} {forWhom()}
                </span>
              </button>
            </Show>
            <Show when={props.saved}>
              <button type="button" class="secondary small" onClick={() => setConfirmDelete(true)}>
                Delete<span class="visually-hidden"> key {forWhom()}</span>
              </button>
            </Show>
          </Show>
        </div>
      </div>

      <Show when={editing()}>
        <form
          class="llm-key-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <div class="field" data-invalid={error() ? "true" : undefined}>
            <label for={`${id}-key`}>
              {PROVIDER_LABEL[props.provider]} API key ({props.scope === "workspace" ? "workspace" : "personal"})
            </label>
            <input
              id={`${id}-key`}
              type="password"
              autocomplete="off"
              spellcheck={false}
              value={value()}
              ref={(element) => queueMicrotask(() => element.focus())}
              aria-describedby={`${id}-hint${error() ? ` ${id}-error` : ""}${tested() ? ` ${id}-tested` : ""}`}
              aria-invalid={error() ? "true" : undefined}
              onInput={(event) => {
                setValue(event.currentTarget.value);
                setTested(null);
              }}
            />
            <p id={`${id}-hint`} class="field-hint">
              {KEY_HINTS[props.provider]} Encrypted at rest; after saving only its last four characters are shown.
            </p>
            <Show when={error()}>
              <p id={`${id}-error`} class="field-error" role="alert">
                {error()}
              </p>
            </Show>
          </div>
          <TestOutcome provider={props.provider} result={tested()} id={`${id}-tested`} />
          <div class="row">
            <button type="submit" class="small" disabled={saving()}>
              {saving() ? "Saving…" : "Save key"}
            </button>
            <Show when={props.canTest}>
              <button type="button" class="secondary small" disabled={testing()} onClick={() => void test()}>
                {testing() ? "Testing…" : "Test key"}
              </button>
            </Show>
            <button type="button" class="secondary small" onClick={close}>
              Cancel
            </button>
          </div>
        </form>
      </Show>

      <Dialog
        open={confirmDelete()}
        title={`Delete the ${PROVIDER_LABEL[props.provider]} key?`}
        onClose={() => setConfirmDelete(false)}
        footer={
          <>
            <button type="button" class="secondary" onClick={() => setConfirmDelete(false)}>
              Keep it
            </button>
            <button type="button" class="danger" disabled={deleting()} onClick={() => void remove()}>
              {deleting() ? "Deleting…" : "Delete key"}
            </button>
          </>
        }
      >
        <p>
          {props.scope === "workspace"
            ? "Members without a personal key can no longer run this provider in this workspace until an Admin adds a new key."
            : "Your runs use the workspace's key again, if it has one."}{" "}
          Its usage history stays.
        </p>
      </Dialog>
    </li>
  );
}

export function ProviderKeysCard(props: {
  provider: LlmProvider;
  workspaceKey: ProviderKey | undefined;
  userKey: ProviderKey | undefined;
  usage: LlmUsageTotals | undefined;
  isAdmin: boolean;
  canRun: boolean;
  onChanged: () => void;
  onKeysUsed: () => void;
}) {
  const [testing, setTesting] = createSignal(false);
  const [tested, setTested] = createSignal<TestResult>(null);
  const ready = () => Boolean(props.workspaceKey || props.userKey);
  const headingId = createUniqueId();
  return (
    <section class="panel llm-provider" aria-labelledby={headingId} data-provider={props.provider}>
      <div class="panel-head">
        <div class="row">
          <h2 id={headingId}>{PROVIDER_LABEL[props.provider]}</h2>
          <span class="badge" data-tone={ready() ? "ok" : undefined}>
            {ready() ? (props.userKey ? "Ready · your key" : "Ready · workspace key") : "No key"}
          </span>
        </div>
        <Show when={ready() && props.canRun}>
          <button
            type="button"
            class="secondary small"
            disabled={testing()}
            title="Tests the key your runs use: yours, else the workspace's"
            onClick={async () => {
              setTesting(true);
              setTested(await runTest(props.provider));
              setTesting(false);
              // A successful test counts as a use: the "last used" dates move.
              props.onKeysUsed();
            }}
          >
            {testing() ? "Testing…" : "Test saved key"}
            <span class="visually-hidden"> for {PROVIDER_LABEL[props.provider]}</span>
          </button>
        </Show>
      </div>
      <TestOutcome provider={props.provider} result={tested()} />
      <ul class="llm-key-rows">
        <KeyRow provider={props.provider} scope="workspace" saved={props.workspaceKey} canManage={props.isAdmin} canTest={props.canRun} readOnlyReason="Only Admins change the workspace key." onChanged={() => { setTested(null); props.onChanged(); }} />
        <KeyRow provider={props.provider} scope="user" saved={props.userKey} canManage={true} canTest={props.canRun} readOnlyReason="" onChanged={() => { setTested(null); props.onChanged(); }} />
      </ul>
      <p class="muted small llm-provider-usage">
        <Show when={props.usage} fallback="No calls in the last 30 days.">
          {(usage) => (
            <>
              Last 30 days in this workspace: {formatNumber(usage().requests)} call{usage().requests === 1 ? "" : "s"}
              {usage().errors ? `, ${formatNumber(usage().errors)} failed` : ""} · {formatNumber(usage().tokens_in + usage().tokens_out)} tokens · {formatMicros(usage().cost_micros)}
            </>
          )}
        </Show>
      </p>
    </section>
  );
}
