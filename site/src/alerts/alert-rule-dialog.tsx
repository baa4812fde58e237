// Create or edit an alert rule: its name, metric (fixed once created), scope (a prompt or the
// whole workspace), environment, threshold, window and the fewest requests worth judging. The
// API checks the threshold's range per metric; its message is shown as it comes.
import { createSignal, For, Show } from "solid-js";
import { ALERT_METRICS, createAlertRule, updateAlertRule, type AlertMetric, type AlertRule } from "~/api/alerts";
import { describeError } from "~/api/client";
import { ENVIRONMENTS, type Environment } from "~/api/types";
import { Dialog } from "~/components/dialog";
import { SelectField, TextField } from "~/components/field";

export function AlertRuleDialog(props: { open: boolean; editing: AlertRule | null; prompts: ReadonlyArray<{ id: string; name: string }>; onClose: () => void; onSaved: (rule: AlertRule) => void }) {
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [metric, setMetric] = createSignal<AlertMetric>("error_rate");
  const unit = () => ALERT_METRICS.find((entry) => entry.value === (props.editing?.metric ?? metric()))?.unit;
  const close = () => {
    setError(null);
    props.onClose();
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const promptId = String(form.get("prompt_id") ?? "");
    const environment = String(form.get("environment") ?? "");
    const fields = {
      name: String(form.get("name")).trim(),
      prompt_id: promptId || null,
      environment: (environment || null) as Environment | null,
      threshold: Number(form.get("threshold")),
      window_minutes: Number(form.get("window_hours")) * 60,
      min_requests: Number(form.get("min_requests")),
    };
    setBusy(true);
    setError(null);
    try {
      const saved = props.editing ? await updateAlertRule(props.editing.id, fields) : await createAlertRule({ ...fields, metric: metric() });
      props.onSaved(saved);
      close();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={props.open}
      title={props.editing ? `Edit ${props.editing.name}` : "New alert rule"}
      onClose={close}
      footer={
        <>
          <button type="button" class="secondary" onClick={close}>
            Cancel
          </button>
          <button type="submit" form="alert-rule-form" disabled={busy()}>
            {busy() ? "Saving…" : props.editing ? "Save changes" : "Create rule"}
          </button>
        </>
      }
    >
      <form id="alert-rule-form" class="stack" onSubmit={submit}>
        <TextField label="Name" name="name" required maxLength={100} value={props.editing?.name ?? ""} placeholder="Checkout errors" />
        <SelectField label="Metric" name="metric" disabled={props.editing !== null} value={props.editing?.metric ?? metric()} onChange={(event) => setMetric(event.currentTarget.value as AlertMetric)} hint={props.editing ? "A rule's metric cannot change: create another rule." : undefined}>
          <For each={ALERT_METRICS}>{(entry) => <option value={entry.value}>{entry.label}</option>}</For>
        </SelectField>
        <div class="grid-2">
          <SelectField label="Scope" name="prompt_id" value={props.editing?.prompt_id ?? ""}>
            <option value="">Whole workspace</option>
            <For each={props.prompts}>{(prompt) => <option value={prompt.id}>{prompt.name}</option>}</For>
          </SelectField>
          <SelectField label="Environment" name="environment" value={props.editing?.environment ?? ""}>
            <option value="">Every environment</option>
            <For each={ENVIRONMENTS}>{(environment) => <option value={environment}>{environment}</option>}</For>
          </SelectField>
        </div>
        <div class="grid-2">
          <TextField label="Threshold" name="threshold" type="number" step="any" required value={props.editing?.threshold ?? ""} hint={unit()} />
          <TextField label="Window (hours)" name="window_hours" type="number" min={1} max={168} step={1} required value={(props.editing?.window_minutes ?? 60) / 60} hint="The current hour and the ones before it" />
        </div>
        <TextField label="Fewest requests to judge" name="min_requests" type="number" min={0} step={1} required value={props.editing?.min_requests ?? 20} hint="With fewer requests in the window the rule stays as it is" />
        <Show when={error()}>
          <p class="field-error" role="alert">
            {error()}
          </p>
        </Show>
      </form>
    </Dialog>
  );
}
