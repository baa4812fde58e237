// Create an access token for the CLI, CI or an MCP client: name, scopes (only those the member's
// role may grant are offered) and an optional expiry of at most a year. The API returns the token
// once; the dialog shows it with a copy button and a warning, and it is gone when the dialog closes.
import { createSignal, For, Show } from "solid-js";
import { ACCESS_TOKEN_SCOPE_HINT, ACCESS_TOKEN_SCOPES, createAccessToken, SCOPE_ROLES, type AccessTokenScope, type CreatedAccessToken } from "~/api/access-tokens";
import { describeError } from "~/api/client";
import { CopyButton } from "~/components/copy-button";
import { CreateOnceFooter, Dialog } from "~/components/dialog";
import { FormError, SelectField, TextField } from "~/components/field";
import { formatDate } from "~/lib/format";
import { currentRole } from "~/session/session";

const EXPIRY_CHOICES = [
  { value: "never", label: "Never" },
  { value: "7", label: "In 7 days" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In 1 year" },
] as const;
type ExpiryChoice = (typeof EXPIRY_CHOICES)[number]["value"];

/** Whether the signed-in member's role may put `scope` on a token. */
export function mayGrant(scope: AccessTokenScope): boolean {
  const role = currentRole();
  return role !== null && SCOPE_ROLES[scope].includes(role);
}

export function CreateAccessTokenDialog(props: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const [scopes, setScopes] = createSignal<Set<AccessTokenScope>>(new Set(["prompts:read"]));
  const [expiry, setExpiry] = createSignal<ExpiryChoice>("90");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [created, setCreated] = createSignal<CreatedAccessToken | null>(null);

  const reset = () => {
    setScopes(new Set<AccessTokenScope>(["prompts:read"]));
    setExpiry("90");
    setError(null);
    setCreated(null);
  };
  const close = () => {
    reset();
    props.onClose();
  };
  const toggleScope = (scope: AccessTokenScope, on: boolean) => {
    const next = new Set(scopes());
    if (on) next.add(scope);
    else next.delete(scope);
    setScopes(next);
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget as HTMLFormElement).get("name")).trim();
    const chosen = ACCESS_TOKEN_SCOPES.filter((scope) => scopes().has(scope) && mayGrant(scope));
    if (chosen.length === 0) return setError("Choose at least one scope.");
    setBusy(true);
    setError(null);
    try {
      setCreated(await createAccessToken({ name, scopes: chosen, expires_at: expiry() === "never" ? null : new Date(Date.now() + Number(expiry()) * 86_400_000).toISOString() }));
      props.onCreated();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={props.open}
      title={created() ? "Copy your new access token" : "Create access token"}
      onClose={close}
      footer={<CreateOnceFooter created={Boolean(created())} form="create-access-token-form" busy={busy()} submit="Create token" submitting="Creating…" copied="I have copied the token" onClose={close} />}
    >
      <Show
        when={created()}
        fallback={
          <form id="create-access-token-form" class="stack" onSubmit={submit}>
            <TextField label="Name" name="name" required maxLength={100} placeholder="GitHub Actions (prompts repo)" hint="Say where the token is used, so it can be revoked with confidence." />
            <fieldset class="admin-fieldset">
              <legend>Scopes</legend>
              <For each={ACCESS_TOKEN_SCOPES}>
                {(scope) => (
                  <label class="checkbox-field">
                    <input type="checkbox" name="scope" value={scope} disabled={!mayGrant(scope)} checked={scopes().has(scope) && mayGrant(scope)} onChange={(event) => toggleScope(scope, event.currentTarget.checked)} />
                    <span>
                      <code>{scope}</code> <span class="muted small">— {mayGrant(scope) ? ACCESS_TOKEN_SCOPE_HINT[scope] : "not available to your role"}</span>
                    </span>
                  </label>
                )}
              </For>
            </fieldset>
            <SelectField label="Expires" value={expiry()} onChange={(event) => setExpiry(event.currentTarget.value as ExpiryChoice)} hint="A token acts as you: prefer one that expires.">
              <For each={EXPIRY_CHOICES}>{(choice) => <option value={choice.value}>{choice.label}</option>}</For>
            </SelectField>
            <FormError message={error()} />
          </form>
        }
      >
        {(token) => (
          <div class="stack">
            <p class="notice" data-kind="warn" role="status">
              This is the only time the token is shown. Copy it now and store it as a secret (for example <code>XR2_TOKEN</code> in your CI): xR2 keeps only its hash.
            </p>
            <div class="secret-box">
              <code class="secret-value" data-testid="new-access-token">
                {token().token}
              </code>
              <CopyButton value={token().token} label="Copy token" />
            </div>
            <dl class="key-value">
              <dt>Name</dt>
              <dd>{token().name}</dd>
              <dt>Scopes</dt>
              <dd>{token().scopes.join(", ")}</dd>
              <dt>Expires</dt>
              <dd>{token().expires_at ? formatDate(token().expires_at!) : "Never"}</dd>
            </dl>
          </div>
        )}
      </Show>
    </Dialog>
  );
}
