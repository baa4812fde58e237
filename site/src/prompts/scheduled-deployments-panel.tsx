// Scheduled publishing (issue #18): a prompt's pending schedules in the deployment panel, with
// "Schedule…" (version, environment, action, date and time) and Cancel, and the latest that ran.
// The run happens server-side at its time (a delayed QStash job); this panel only asks and shows.
import { createResource, createSignal, For, Show } from "solid-js";
import { describeError } from "~/api/client";
import { call, type Schemas } from "~/api/contract";
import type { VersionSummary } from "~/api/prompts";
import { ENVIRONMENTS, type Environment } from "~/api/types";
import { ErrorNotice } from "~/components/async-state";
import { Dialog } from "~/components/dialog";
import { FormError, SelectField, TextField } from "~/components/field";
import { notify } from "~/components/toasts";
import { formatDateTime } from "~/lib/format";
import { ENVIRONMENT_LABEL } from "./deployments-panel";
import { STATUS_LABEL } from "./versions-panel";

type Schedule = Schemas["ScheduledDeployment"];

const STATUS_TEXT: Record<Schedule["status"], string> = {
  scheduled: "Scheduled",
  done: "Done",
  cancelled: "Cancelled",
  failed: "Failed",
  awaiting_approval: "Awaiting approval",
};

/** What a schedule does, in words: "Publish v3 to production", "Roll back production". */
function describe(schedule: Schedule): string {
  const version = schedule.version === null ? "" : ` v${schedule.version}`;
  return schedule.action === "publish" ? `Publish${version} to ${schedule.environment}` : `Roll back ${schedule.environment}${version ? ` to${version}` : ""}`;
}

/** The value of a datetime-local input a few minutes from now, in the browser's time zone. */
function localInputValue(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function ScheduledDeploymentsPanel(props: {
  promptId: string;
  versions: readonly VersionSummary[];
  refreshKey: number;
  canPublish: boolean;
  needsApproval: (environment: Environment) => boolean;
  onChanged: () => void;
}) {
  const [schedules, { refetch }] = createResource(
    () => ({ id: props.promptId, key: props.refreshKey }),
    ({ id }) => call("get", "/api/prompts/{promptId}/scheduled-deployments", { params: { promptId: id } }),
  );
  const [open, setOpen] = createSignal(false);
  const [busy, setBusy] = createSignal<string | null>(null);

  const cancel = async (schedule: Schedule) => {
    setBusy(schedule.id);
    try {
      await call("delete", "/api/prompts/{promptId}/scheduled-deployments/{scheduleId}", { params: { promptId: props.promptId, scheduleId: schedule.id } });
      notify("Scheduled deployment cancelled");
    } catch (caught) {
      notify(describeError(caught), "error");
    } finally {
      setBusy(null);
      void refetch();
      props.onChanged();
    }
  };

  return (
    <section class="panel" aria-labelledby="scheduled-heading">
      <div class="panel-head">
        <h2 id="scheduled-heading">Scheduled</h2>
        <Show when={props.canPublish}>
          <button type="button" class="small secondary" disabled={props.versions.length === 0} onClick={() => setOpen(true)}>
            Schedule…
          </button>
        </Show>
      </div>
      <Show when={!schedules.error} fallback={<ErrorNotice error={schedules.error} onRetry={() => void refetch()} />}>
        <Show when={(schedules()?.pending ?? []).length > 0} fallback={<p class="muted">Nothing is scheduled.</p>}>
          <ul class="approval-list" aria-label="Pending scheduled deployments">
            <For each={schedules()?.pending}>
              {(schedule) => (
                <li class="approval" data-schedule-id={schedule.id}>
                  <div>
                    <strong>{describe(schedule)}</strong> at <time datetime={schedule.run_at}>{formatDateTime(schedule.run_at)}</time>
                    <span class="muted small"> · by {schedule.created_by_name ?? "a former member"}</span>
                    <Show when={schedule.note}>
                      <p class="muted small">“{schedule.note}”</p>
                    </Show>
                  </div>
                  <Show when={props.canPublish}>
                    <button type="button" class="small secondary" disabled={busy() !== null} onClick={() => void cancel(schedule)} aria-label={`Cancel: ${describe(schedule)}`}>
                      Cancel
                    </button>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <Show when={(schedules()?.recent ?? []).length > 0}>
          <details>
            <summary class="small">Recent scheduled deployments</summary>
            <ul class="approval-list">
              <For each={schedules()?.recent}>
                {(schedule) => (
                  <li class="approval">
                    <div>
                      {describe(schedule)} at {formatDateTime(schedule.run_at)}
                      <Show when={schedule.error}>
                        <p class="muted small">{schedule.error}</p>
                      </Show>
                    </div>
                    <span class="badge" data-tone={schedule.status === "done" ? "ok" : schedule.status === "cancelled" ? undefined : "warn"}>
                      {STATUS_TEXT[schedule.status]}
                      {schedule.status === "awaiting_approval" && schedule.approval_status ? ` (${schedule.approval_status})` : ""}
                    </span>
                  </li>
                )}
              </For>
            </ul>
          </details>
        </Show>
      </Show>
      <ScheduleDialog
        open={open()}
        promptId={props.promptId}
        versions={props.versions}
        needsApproval={props.needsApproval}
        onClose={() => setOpen(false)}
        onDone={() => {
          setOpen(false);
          void refetch();
          props.onChanged();
        }}
      />
    </section>
  );
}

function ScheduleDialog(props: { open: boolean; promptId: string; versions: readonly VersionSummary[]; needsApproval: (environment: Environment) => boolean; onClose: () => void; onDone: () => void }) {
  const [action, setAction] = createSignal<"publish" | "rollback">("publish");
  const [versionId, setVersionId] = createSignal<string | null>(null);
  const [environment, setEnvironment] = createSignal<Environment>("production");
  const [runAt, setRunAt] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const chosenVersion = () => versionId() ?? (action() === "publish" ? (props.versions[0]?.id ?? "") : "");
  const chosenRunAt = () => runAt() ?? localInputValue(new Date(Date.now() + 60 * 60_000));
  const close = () => {
    setAction("publish");
    setVersionId(null);
    setRunAt(null);
    setError(null);
    props.onClose();
  };
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const when = new Date(chosenRunAt());
    if (Number.isNaN(when.getTime())) {
      setError("Choose a date and time");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await call("post", "/api/prompts/{promptId}/scheduled-deployments", {
        params: { promptId: props.promptId },
        body: { action: action(), environment: environment(), run_at: when.toISOString(), ...(chosenVersion() ? { version_id: chosenVersion() } : {}) },
      });
      notify(`Scheduled for ${formatDateTime(when)}`);
      setAction("publish");
      setVersionId(null);
      setRunAt(null);
      props.onDone();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={props.open} title="Schedule a deployment" onClose={close}>
      <form class="stack" onSubmit={submit}>
        <SelectField label="Action" value={action()} onChange={(event) => setAction(event.currentTarget.value as "publish" | "rollback")}>
          <option value="publish">Publish</option>
          <option value="rollback">Roll back</option>
        </SelectField>
        <SelectField label="Version" value={chosenVersion()} onChange={(event) => setVersionId(event.currentTarget.value)}>
          <Show when={action() === "rollback"}>
            <option value="">The version it served before (at that time)</option>
          </Show>
          <For each={props.versions}>
            {(version) => (
              <option value={version.id}>
                v{version.version_number} · {STATUS_LABEL[version.status]}
              </option>
            )}
          </For>
        </SelectField>
        <SelectField label="Environment" value={environment()} onChange={(event) => setEnvironment(event.currentTarget.value as Environment)}>
          <For each={ENVIRONMENTS}>{(item) => <option value={item}>{ENVIRONMENT_LABEL[item]}</option>}</For>
        </SelectField>
        <TextField label="When" type="datetime-local" required value={chosenRunAt()} hint="Your local time; at most a year ahead" onInput={(event) => setRunAt(event.currentTarget.value)} />
        <Show when={action() === "publish" && props.needsApproval(environment())}>
          <p class="notice">This workspace needs an Admin's approval for production: unless you are an Admin, the publish becomes an approval request at that time, and goes live when an Admin approves it.</p>
        </Show>
        <FormError message={error()} />
        <div class="row end">
          <button type="button" class="secondary" onClick={close}>
            Cancel
          </button>
          <button type="submit" disabled={busy() || (action() === "publish" && !chosenVersion())}>
            {busy() ? "Scheduling…" : "Schedule"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
