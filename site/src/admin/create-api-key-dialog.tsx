// Create a Product API key: name, scopes, an optional environment restriction and expiry. The
// API returns the key itself once; the dialog then shows it with a copy button and a warning,
// and it is gone when the dialog closes.
import { createSignal, For, Show } from "solid-js";
import { describeError } from "~/api/client";
import { API_KEY_SCOPES, createApiKey, SCOPE_HINT, type ApiKeyScope, type CreatedApiKey } from "~/api/admin";
import { ENVIRONMENTS, type Environment } from "~/api/types";
import { CopyButton } from "~/components/copy-button";
import { CreateOnceFooter, Dialog } from "~/components/dialog";
import { FormError, SelectField, TextField } from "~/components/field";
import { formatDate } from "~/lib/format";
import { createRateLimitState, describeRateLimit, RateLimitFields } from "./rate-limit-fields";

const EXPIRY_CHOICES = [
  { value: "never", label: "Never" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In 1 year" },
  { value: "custom", label: "On a date…" },
] as const;
type ExpiryChoice = (typeof EXPIRY_CHOICES)[number]["value"];

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The end of the chosen day, local time, as the API's ISO timestamp. */
function expiryFrom(choice: ExpiryChoice, customDay: string): string | null {
  if (choice === "never") return null;
  if (choice === "custom") return customDay ? new Date(`${customDay}T23:59:59`).toISOString() : null;
  return new Date(Date.now() + Number(choice) * 86_400_000).toISOString();
}

export function CreateApiKeyDialog(props: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const [scopes, setScopes] = createSignal<Set<ApiKeyScope>>(new Set(API_KEY_SCOPES));
  const [environment, setEnvironment] = createSignal<Environment | "">("");
  const [expiry, setExpiry] = createSignal<ExpiryChoice>("never");
  const [customDay, setCustomDay] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [created, setCreated] = createSignal<CreatedApiKey | null>(null);
  const rateLimit = createRateLimitState();

  const reset = () => {
    setScopes(new Set(API_KEY_SCOPES));
    setEnvironment("");
    setExpiry("never");
    setCustomDay("");
    setError(null);
    setCreated(null);
    rateLimit.reset();
  };
  const close = () => {
    reset();
    props.onClose();
  };
  const toggleScope = (scope: ApiKeyScope, on: boolean) => {
    const next = new Set(scopes());
    if (on) next.add(scope);
    else next.delete(scope);
    setScopes(next);
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget as HTMLFormElement).get("name")).trim();
    if (scopes().size === 0) return setError("Choose at least one scope.");
    if (expiry() === "custom" && !customDay()) return setError("Choose the day the key expires.");
    const limit = rateLimit.value();
    if (!limit.ok) return setError(limit.error);
    setBusy(true);
    setError(null);
    try {
      setCreated(
        await createApiKey({
          name,
          scopes: API_KEY_SCOPES.filter((scope) => scopes().has(scope)),
          environment: environment() || null,
          expires_at: expiryFrom(expiry(), customDay()),
          rate_limit: limit.rateLimit,
        }),
      );
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
      title={created() ? "Copy your new API key" : "Create API key"}
      onClose={close}
      footer={<CreateOnceFooter created={Boolean(created())} form="create-key-form" busy={busy()} submit="Create key" submitting="Creating…" copied="I have copied the key" onClose={close} />}
    >
      <Show
        when={created()}
        fallback={
          <form id="create-key-form" class="stack" onSubmit={submit}>
            <TextField label="Name" name="name" required maxLength={100} placeholder="Checkout service (production)" hint="Say where the key is used, so it can be revoked with confidence." />
            <fieldset class="admin-fieldset">
              <legend>Scopes</legend>
              <For each={API_KEY_SCOPES}>
                {(scope) => (
                  <label class="checkbox-field">
                    <input type="checkbox" checked={scopes().has(scope)} onChange={(event) => toggleScope(scope, event.currentTarget.checked)} />
                    <span>
                      <code>{scope}</code> <span class="muted small">— {SCOPE_HINT[scope]}</span>
                    </span>
                  </label>
                )}
              </For>
            </fieldset>
            <SelectField
              label="Environment"
              value={environment()}
              onChange={(event) => setEnvironment(event.currentTarget.value as Environment | "")}
              hint="A key restricted to one environment cannot fetch prompts from the others."
            >
              <option value="">Any environment</option>
              <For each={ENVIRONMENTS}>{(env) => <option value={env}>{env}</option>}</For>
            </SelectField>
            <SelectField label="Expires" value={expiry()} onChange={(event) => setExpiry(event.currentTarget.value as ExpiryChoice)}>
              <For each={EXPIRY_CHOICES}>{(choice) => <option value={choice.value}>{choice.label}</option>}</For>
            </SelectField>
            <Show when={expiry() === "custom"}>
              <TextField
                label="Expiry date"
                type="date"
                required
                min={isoDay(new Date(Date.now() + 86_400_000))}
                max={isoDay(new Date(Date.now() + 3650 * 86_400_000))}
                value={customDay()}
                onInput={(event) => setCustomDay(event.currentTarget.value)}
                hint="The key stops working at the end of this day."
              />
            </Show>
            <RateLimitFields state={rateLimit} />
            <FormError message={error()} />
          </form>
        }
      >
        {(key) => (
          <div class="stack">
            <p class="notice" data-kind="warn" role="status">
              This is the only time the key is shown. Copy it now and store it in your secret manager: xR2 keeps only its hash.
            </p>
            <div class="secret-box">
              <code class="secret-value" data-testid="new-api-key">
                {key().key}
              </code>
              <CopyButton value={key().key} label="Copy key" />
            </div>
            <dl class="key-value">
              <dt>Name</dt>
              <dd>{key().name}</dd>
              <dt>Scopes</dt>
              <dd>{key().scopes.join(", ")}</dd>
              <dt>Environment</dt>
              <dd>{key().environment ?? "Any"}</dd>
              <dt>Expires</dt>
              <dd>{key().expires_at ? formatDate(key().expires_at) : "Never"}</dd>
              <dt>Rate limit</dt>
              <dd>{describeRateLimit(key().rate_limit)}</dd>
            </dl>
          </div>
        )}
      </Show>
    </Dialog>
  );
}
