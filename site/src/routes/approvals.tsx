// The approvals inbox (item 4 of issue 17): the requests to deploy a version that wait for an
// Admin, each with its prompt, version, environment, requester and the diff against what that
// environment serves now; Admins approve or reject here. Everyone else sees the list (their own
// requests among them) and is told that only Admins decide. Decided requests are one choice away,
// a page at a time ("Load more" follows the API's cursor).
import { A } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { decideApproval, listApprovals, type ApprovalInboxItem, type ApprovalStatus } from "~/api/approvals";
import { describeError } from "~/api/client";
import { ApprovalDiff } from "~/approvals/approval-diff";
import { refreshPendingCount } from "~/approvals/pending-count";
import { EmptyState, ErrorNotice, Loading } from "~/components/async-state";
import { SelectField } from "~/components/field";
import { LoadMore } from "~/components/load-more";
import { PageHeader } from "~/components/page-header";
import { notify } from "~/components/toasts";
import { createCursorList } from "~/lib/cursor-list";
import { formatDateTime, formatRelative } from "~/lib/format";
import { useSearchState } from "~/lib/search-state";
import { currentWorkspace, isAdmin } from "~/session/session";
import "~/styles/prompts.css";
import "~/styles/approvals.css";

const STATUS_LABEL: Record<ApprovalStatus, string> = { pending: "Waiting for approval", approved: "Approved", rejected: "Rejected", cancelled: "Cancelled (superseded)" };
const STATUSES = Object.keys(STATUS_LABEL) as ApprovalStatus[];
const PAGE_SIZE = 50;

export default function ApprovalsPage() {
  const [statusParam, setStatus] = useSearchState().param("status", "pending");
  const status = (): ApprovalStatus => (STATUSES.includes(statusParam() as ApprovalStatus) ? (statusParam() as ApprovalStatus) : "pending");
  const list = createCursorList({
    deps: () => [currentWorkspace()?.id, status()],
    enabled: () => Boolean(currentWorkspace()),
    fetchPage: (cursor) => listApprovals(status(), cursor, PAGE_SIZE),
    items: (page) => page.approvals,
  });
  const [busy, setBusy] = createSignal<string | null>(null);

  const decide = async (approval: ApprovalInboxItem, approve: boolean) => {
    setBusy(approval.id);
    try {
      await decideApproval(approval.id, approve);
      notify(approve ? `Approved: ${approval.prompt_name} v${approval.version_number} is live in ${approval.environment}` : `Rejected: ${approval.prompt_name} v${approval.version_number} stays out of ${approval.environment}`);
      await list.reload();
      void refreshPendingCount();
    } catch (caught) {
      notify(describeError(caught), "error");
    } finally {
      setBusy(null);
    }
  };

  return (
    <div class="stack">
      <PageHeader title="Approvals" description="Versions waiting for an Admin before they go live, with what each would change." />
      <Show when={!isAdmin()}>
        <p class="notice" role="note">
          Only Admins approve or reject requests. You can see what waits and who asked.
        </p>
      </Show>
      <div class="row">
        <SelectField label="Show" value={status()} onChange={(event) => setStatus(event.currentTarget.value)}>
          <For each={STATUSES}>{(item) => <option value={item}>{STATUS_LABEL[item]}</option>}</For>
        </SelectField>
      </div>
      <Show when={!list.error()} fallback={<ErrorNotice error={list.error()} onRetry={() => void list.retry()} />}>
        <Show when={list.loaded()} fallback={<Loading label="Loading the requests…" />}>
          <Show
              when={list.items().length > 0}
              fallback={
                <EmptyState title={status() === "pending" ? "Nothing waits for approval" : `No ${status()} requests`}>
                  {status() === "pending" ? "When a Member publishes to an environment that needs an Admin's approval, the request shows here." : null}
                </EmptyState>
              }
            >
              <ul class="approval-inbox stack">
                <For each={list.items()}>
                  {(approval) => (
                    <li class="panel approval-card" aria-label={`${approval.prompt_name} v${approval.version_number} to ${approval.environment}`}>
                      <div class="panel-head">
                        <div class="approval-card-title">
                          <h2>
                            <A href={`/prompts/${approval.prompt_id}`}>{approval.prompt_name}</A>
                          </h2>
                          <p class="muted small">
                            <code>{approval.prompt_slug}</code>
                          </p>
                        </div>
                        <Show when={status() === "pending" && isAdmin()} fallback={<span class="badge" data-tone={approval.status === "approved" ? "ok" : approval.status === "rejected" ? "bad" : "warn"}>{STATUS_LABEL[approval.status]}</span>}>
                          <div class="row">
                            <button type="button" disabled={busy() !== null} onClick={() => void decide(approval, true)}>
                              {busy() === approval.id ? "Working…" : "Approve"}
                            </button>
                            <button type="button" class="secondary" disabled={busy() !== null} onClick={() => void decide(approval, false)}>
                              Reject
                            </button>
                          </div>
                        </Show>
                      </div>
                      <p class="approval-facts">
                        <strong>v{approval.version_number}</strong> to <strong>{approval.environment}</strong>
                        <Show when={approval.deployed_version_number !== null} fallback={<span class="muted"> (nothing served there yet)</span>}>
                          <span class="muted"> (serves v{approval.deployed_version_number} now)</span>
                        </Show>
                        , requested by <strong class="requester">{approval.requested_by_name ?? "a former member"}</strong>{" "}
                        <time class="muted small" datetime={approval.created_at} title={formatDateTime(approval.created_at)}>
                          {formatRelative(approval.created_at)}
                        </time>
                      </p>
                      <Show when={approval.comment}>
                        <blockquote class="approval-comment">{approval.comment}</blockquote>
                      </Show>
                      <Show when={approval.decided_at}>
                        <p class="muted small">
                          {STATUS_LABEL[approval.status]} by {approval.decided_by_name ?? "a former member"} {formatRelative(approval.decided_at)}
                        </p>
                      </Show>
                      <Show when={approval.status === "pending"}>
                        <ApprovalDiff
                          promptId={approval.prompt_id}
                          environment={approval.environment}
                          fromId={approval.deployed_version_id}
                          fromNumber={approval.deployed_version_number}
                          toId={approval.version_id}
                          toNumber={approval.version_number}
                          snippetChanges={approval.snippet_changes}
                        />
                      </Show>
                    </li>
                  )}
                </For>
              </ul>
              <LoadMore list={list} noun={["request", "requests"]} />
            </Show>
        </Show>
      </Show>
    </div>
  );
}
