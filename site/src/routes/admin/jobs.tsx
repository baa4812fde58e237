// Platform admin: the aggregation job's runs (scheduled and on demand) with what each did or its
// error, a button to run it now, and the rebuild of the edge's KV projection of every workspace
// from Postgres (safe at any time: KV is a projection).
import { createSignal, For, Show } from "solid-js";
import { listAggregationRuns, rebuildKv, runAggregationNow, type AggregationRun, type RebuildReport } from "~/api/platform-admin";
import { ConfirmDialog } from "~/admin/confirm-dialog";
import { describeError } from "~/api/client";
import { AsyncView, EmptyState } from "~/components/async-state";
import { LoadMore } from "~/components/load-more";
import { PageHeader } from "~/components/page-header";
import { notify } from "~/components/toasts";
import { createCursorList } from "~/lib/cursor-list";
import { formatDateTime, formatNumber, formatRelative } from "~/lib/format";
import { AdminGate, isPlatformAdmin } from "~/platform-admin/admin-gate";

const STATUS_TONE: Record<AggregationRun["status"], string> = { running: "warn", succeeded: "ok", failed: "bad" };

export default function AdminJobsPage() {
  return (
    <AdminGate>
      <JobsSection />
    </AdminGate>
  );
}

function JobsSection() {
  const [running, setRunning] = createSignal(false);
  const [confirmRebuild, setConfirmRebuild] = createSignal(false);
  const [report, setReport] = createSignal<RebuildReport | null>(null);

  const list = createCursorList({
    deps: isPlatformAdmin,
    fetchPage: (cursor) => listAggregationRuns(cursor),
    items: (page) => page.runs,
  });
  const { items: runs } = list;

  const runNow = async () => {
    setRunning(true);
    try {
      const result = await runAggregationNow();
      notify(`Aggregation ran: ${result.hours_recomputed} hours and ${result.days_recomputed} days recomputed${result.more ? "; more is left for the next run" : ""}`);
      await list.reload();
    } catch (caught) {
      notify(describeError(caught), "error");
      await list.reload();
    } finally {
      setRunning(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Jobs and KV"
        description="The aggregation into hourly and daily stats runs every five minutes on QStash's schedule; its runs are listed here."
        actions={
          <button type="button" onClick={() => void runNow()} disabled={running()}>
            {running() ? "Running…" : "Run aggregation now"}
          </button>
        }
      />
      <section class="panel" aria-labelledby="runs-title">
        <h2 id="runs-title">Aggregation runs</h2>
        <AsyncView list={list} loading="Loading runs…" errorTitle="The runs could not be loaded" empty={<EmptyState title="No run yet">The schedule's first run, or one you start, appears here.</EmptyState>}>
          <div class="table-scroll" tabindex="0" role="region" aria-label="Aggregation runs, scrolls sideways">
            <table class="admin-table">
              <caption class="visually-hidden">Aggregation runs, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Trigger</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="numeric">Hours</th>
                  <th scope="col" class="numeric">Days</th>
                  <th scope="col" class="numeric">Rows changed</th>
                  <th scope="col">Notes</th>
                </tr>
              </thead>
              <tbody>
                <For each={runs()}>
                  {(run) => (
                    <tr>
                      <td class="nowrap" title={formatDateTime(run.started_at)}>
                        {formatRelative(run.started_at)}
                      </td>
                      <td>{run.trigger === "schedule" ? "Schedule" : (run.actor?.email ?? "An admin")}</td>
                      <td>
                        <span class="badge" data-tone={STATUS_TONE[run.status]}>
                          {run.status}
                        </span>
                      </td>
                      <td class="numeric">{formatNumber(run.hours_recomputed)}</td>
                      <td class="numeric">{formatNumber(run.days_recomputed)}</td>
                      <td class="numeric">{formatNumber(run.rows_changed)}</td>
                      <td class="small">{run.error ?? (run.more ? "More left for the next run" : "")}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
          <LoadMore list={list} />
        </AsyncView>
      </section>
      <section class="panel" aria-labelledby="kv-title">
        <h2 id="kv-title">Edge KV projection</h2>
        <p>Rewrites every workspace's served prompts, live API keys and event definitions into the edge's KV from Postgres, and deletes what should no longer be served. Safe at any time; use it after an incident or a restore.</p>
        <div class="page-actions">
          <button type="button" class="secondary" onClick={() => setConfirmRebuild(true)}>
            Rebuild KV
          </button>
        </div>
        <Show when={report()}>
          {(done) => (
            <p role="status">
              Rebuilt {formatNumber(done().workspaces)} workspaces: {formatNumber(done().prompts_written)} prompts and {formatNumber(done().api_keys_written)} keys written, {formatNumber(done().prompt_entries_deleted)} prompt entries and {formatNumber(done().api_keys_deleted)} keys deleted.
            </p>
          )}
        </Show>
      </section>
      <ConfirmDialog
        open={confirmRebuild()}
        title="Rebuild the KV projection?"
        confirmLabel="Rebuild"
        onConfirm={async () => {
          setReport(await rebuildKv());
        }}
        onClose={() => setConfirmRebuild(false)}
      >
        <p>Every workspace is rewritten from Postgres. On a large platform this takes a while; the edge keeps serving meanwhile.</p>
      </ConfirmDialog>
    </>
  );
}
