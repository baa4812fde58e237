// The workspace's A/B experiments (A6): status tabs, the prompt each one tests, its variants and
// primary event, when it ran; a link to each one's results and, for editors, "New experiment".
import { createMemo, createSignal, For, Show } from "solid-js";
import { call } from "~/api/contract";
import type { Experiment, ExperimentStatus } from "~/api/analytics";
import { AsyncView, EmptyState } from "~/components/async-state";
import { DataTable } from "~/components/data-table";
import { PageHeader } from "~/components/page-header";
import { createQuery } from "~/analytics/create-query";
import { splitText, StatusBadge } from "~/analytics/experiment-status";
import { downloadText, toCsv } from "~/lib/csv";
import { formatDateTime, formatRelative } from "~/lib/format";
import { useSearchState } from "~/lib/search-state";
import { canEdit, currentWorkspace } from "~/session/session";
import "~/styles/analytics.css";

const TABS: Array<{ id: ExperimentStatus | "all"; label: string }> = [
  { id: "all", label: "All" },
  { id: "running", label: "Running" },
  { id: "draft", label: "Drafts" },
  { id: "stopped", label: "Stopped" },
];

export default function ExperimentsPage() {
  // The tab lives in the address (?status=running).
  const [statusParam, setStatus] = useSearchState().param("status", "all");
  const status = (): ExperimentStatus | "all" => (TABS.find((tab) => tab.id === statusParam())?.id ?? "all");
  const [extra, setExtra] = createSignal<Experiment[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loadingMore, setLoadingMore] = createSignal(false);
  const page = createQuery(
    () => (currentWorkspace() ? { workspace: currentWorkspace()!.id, status: status() } : null),
    async ({ status: chosen }) => {
      const answer = await call("get", "/api/experiments", { query: { status: chosen === "all" ? undefined : chosen, limit: 50 } });
      setExtra([]);
      setCursor(answer.next_cursor);
      return answer;
    },
  );
  const prompts = createQuery(
    () => currentWorkspace()?.id,
    async () => new Map((await call("get", "/api/prompts", { query: { limit: 100 } })).prompts.map((prompt) => [prompt.id, prompt])),
  );
  const rows = createMemo(() => [...(page.data()?.experiments ?? []), ...extra()]);
  const loadMore = async () => {
    if (!cursor()) return;
    setLoadingMore(true);
    try {
      const answer = await call("get", "/api/experiments", { query: { status: status() === "all" ? undefined : status(), limit: 50, cursor: cursor()! } });
      setExtra([...extra(), ...answer.experiments]);
      setCursor(answer.next_cursor);
    } finally {
      setLoadingMore(false);
    }
  };
  const promptName = (id: string) => prompts.data()?.get(id)?.name ?? id;
  const exportCsv = () =>
    downloadText(
      "experiments.csv",
      toCsv(rows(), [
        { header: "id", value: (row) => row.id },
        { header: "name", value: (row) => row.name },
        { header: "status", value: (row) => row.status },
        { header: "prompt", value: (row) => promptName(row.prompt_id) },
        { header: "environment", value: (row) => row.environment },
        { header: "primary_event", value: (row) => row.primary_event },
        { header: "variants", value: (row) => row.variants.map((variant) => `${variant.key}=v${variant.version_number}:${variant.weight}`).join(" ") },
        { header: "started_at", value: (row) => row.started_at },
        { header: "stopped_at", value: (row) => row.stopped_at },
      ]),
    );

  return (
    <>
      <PageHeader
        title="Experiments"
        description="A/B tests between versions of a prompt, assigned at the edge by unit id and judged on a business event."
        actions={
          <>
            <Show when={rows().length > 0}>
              <button type="button" class="secondary" onClick={exportCsv}>
                Export CSV
              </button>
            </Show>
            <Show when={canEdit()} fallback={<span class="muted small">Viewers can read results; an editor starts experiments.</span>}>
              <a class="button" href="/experiments/new">
                New experiment
              </a>
            </Show>
          </>
        }
      />
      <div class="tabs" role="tablist" aria-label="Experiment status">
        <For each={TABS}>
          {(tab) => (
            <button type="button" role="tab" aria-selected={status() === tab.id} onClick={() => setStatus(tab.id)}>
              {tab.label}
            </button>
          )}
        </For>
      </div>
      <AsyncView
        query={page}
        loading="Loading experiments…"
        errorTitle="Experiments could not be loaded"
        isEmpty={() => rows().length === 0}
        empty={
          <EmptyState
            title={status() === "all" ? "No experiments yet" : `No ${TABS.find((tab) => tab.id === status())!.label.toLowerCase()} experiments`}
            action={
              <Show when={canEdit() && status() === "all"}>
                <a class="button" href="/experiments/new">
                  New experiment
                </a>
              </Show>
            }
          >
            An experiment splits a prompt's traffic between published versions. Apps pass a stable <code>unit_id</code> to get-prompt, then send the primary event with the <code>trace_id</code> they got back.
          </EmptyState>
        }
      >
        <div class="panel">
          <DataTable
            caption="Experiments"
            rows={rows()}
            rowKey={(row) => row.id}
            columns={[
              { id: "name", header: "Experiment", cell: (row) => <a href={`/experiments/${row.id}`}>{row.name}</a> },
              { id: "status", header: "Status", cell: (row) => <StatusBadge status={row.status} /> },
              { id: "prompt", header: "Prompt", cell: (row) => <a href={`/prompts/${row.prompt_id}`}>{promptName(row.prompt_id)}</a> },
              { id: "environment", header: "Environment", cell: (row) => row.environment },
              { id: "variants", header: "Variants", cell: (row) => splitText(row.variants) },
              { id: "event", header: "Primary event", cell: (row) => <code>{row.primary_event}</code> },
              {
                id: "when",
                header: "Ran",
                cell: (row) =>
                  row.started_at ? (
                    <span title={formatDateTime(row.started_at)}>
                      {formatRelative(row.started_at)}
                      {row.stopped_at ? ` → ${formatRelative(row.stopped_at)}` : ""}
                    </span>
                  ) : (
                    <span class="muted">not started</span>
                  ),
              },
            ]}
          />
          <Show when={cursor()}>
            <button type="button" class="secondary" onClick={() => void loadMore()} disabled={loadingMore()}>
              {loadingMore() ? "Loading…" : "Load more"}
            </button>
          </Show>
        </div>
      </AsyncView>
    </>
  );
}
