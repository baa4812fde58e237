// Platform admin: one workspace (S4): owner, members with their roles and account state, counts,
// usage this UTC month, and its limits and quotas (editable; an empty box uses the global default).
import { useParams } from "@solidjs/router";
import { createResource, For, Show } from "solid-js";
import { getWorkspace, getWorkspaceLimits, setWorkspaceLimits } from "~/api/platform-admin";
import { RoleBadge } from "~/admin/role-badge";
import { AsyncView } from "~/components/async-state";
import { PageHeader } from "~/components/page-header";
import { formatDate, formatMicros, formatNumber } from "~/lib/format";
import { AdminGate } from "~/platform-admin/admin-gate";
import { LimitsEditor } from "~/platform-admin/limits-editor";

export default function AdminWorkspacePage() {
  return (
    <AdminGate>
      <WorkspaceSection />
    </AdminGate>
  );
}

function WorkspaceSection() {
  const params = useParams<{ id: string }>();
  const [workspace, { refetch }] = createResource(() => params.id, getWorkspace);
  return (
    <>
      <PageHeader
        title={workspace.latest?.name ?? "Workspace"}
        description={<Show when={workspace.latest}>{(loaded) => <code>{loaded().id}</code>}</Show>}
        back={{ href: "/admin/workspaces", label: "All workspaces" }}
      />
      <AsyncView resource={workspace} errorTitle="The workspace could not be loaded" loading="Loading the workspace…" onRetry={refetch}>
        {(loaded) => (
          <>
            <section class="panel" aria-labelledby="usage-title">
              <h2 id="usage-title">Usage this month</h2>
              <p class="muted small">Since {formatDate(loaded().usage_this_month.from)} (UTC). Requests come from the stats, as fresh as the last aggregation run.</p>
              <dl class="admin-facts">
                <div>
                  <dt>get-prompt requests</dt>
                  <dd>{formatNumber(loaded().usage_this_month.requests)}</dd>
                </div>
                <div>
                  <dt>Events</dt>
                  <dd>{formatNumber(loaded().usage_this_month.events)}</dd>
                </div>
                <div>
                  <dt>LLM calls</dt>
                  <dd>{formatNumber(loaded().usage_this_month.llm_requests)}</dd>
                </div>
                <div>
                  <dt>LLM cost</dt>
                  <dd>{formatMicros(loaded().usage_this_month.llm_cost_micros)}</dd>
                </div>
                <div>
                  <dt>Cost apps reported</dt>
                  <dd>{formatMicros(loaded().usage_this_month.reported_cost_micros)}</dd>
                </div>
                <div>
                  <dt>Prompts / live API keys</dt>
                  <dd>
                    {formatNumber(loaded().prompt_count)} / {formatNumber(loaded().api_key_count)}
                  </dd>
                </div>
              </dl>
            </section>
            <section class="panel" aria-labelledby="members-title">
              <h2 id="members-title">Members</h2>
              <div class="table-scroll" tabindex="0" role="region" aria-label="Members, scrolls sideways">
                <table class="admin-table">
                  <caption class="visually-hidden">Members of {loaded().name}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">E-mail</th>
                      <th scope="col">Role</th>
                      <th scope="col">Joined</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={loaded().members}>
                      {(member) => (
                        <tr>
                          <td>
                            {member.name}{" "}
                            <Show when={member.is_owner}>
                              <span class="badge" data-tone="accent">
                                Owner
                              </span>
                            </Show>{" "}
                            <Show when={member.disabled_at}>
                              <span class="badge" data-tone="bad">
                                Disabled
                              </span>
                            </Show>
                          </td>
                          <td>{member.email}</td>
                          <td>
                            <RoleBadge role={member.role} />
                          </td>
                          <td class="nowrap">{formatDate(member.joined_at)}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </section>
            <section class="panel" aria-labelledby="limits-title">
              <h2 id="limits-title">Limits and quotas</h2>
              <p class="muted small">A value here overrides the global default for this workspace; leave a box empty to use the default.</p>
              <LimitsEditor scope="workspace" load={() => getWorkspaceLimits(loaded().id)} save={(limits) => setWorkspaceLimits(loaded().id, limits)} />
            </section>
          </>
        )}
      </AsyncView>
    </>
  );
}
