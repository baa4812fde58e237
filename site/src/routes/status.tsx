// Landing page: is the management API up, and how is each dependency it checks doing?
// The check runs in the browser only (the resource's source turns true in onMount), so server
// rendering never waits for, or needs, the API.
import { createResource, createSignal, For, onMount, Show } from "solid-js";
import { apiBaseUrl } from "~/api/base-url";
import { checkApiHealth, type HealthResult } from "~/api/health";

type Summary = { state: "checking" | "ok" | "degraded" | "down"; text: string };

function summarize(result: HealthResult | undefined): Summary {
  if (!result) return { state: "checking", text: "Checking the API…" };
  if (!result.reachable) return { state: "down", text: `Unreachable. ${result.reason}` };
  const { status, httpStatus, checks } = result.report;
  const healthy = httpStatus < 300 && status === "ok" && checks.every((check) => check.ok);
  return healthy
    ? { state: "ok", text: "Reachable: all checks pass." }
    : { state: "degraded", text: `Reachable, but reports "${status}" (HTTP ${httpStatus}).` };
}

export default function StatusPage() {
  const [mounted, setMounted] = createSignal(false);
  onMount(() => setMounted(true));
  const [health, { refetch }] = createResource(mounted, () => checkApiHealth(apiBaseUrl));

  // `latest` keeps the previous answer on screen during a re-check without suspending the page.
  const result = () =>
    health.state === "ready" || health.state === "refreshing" ? health.latest : undefined;
  const report = () => {
    const current = result();
    return current?.reachable ? current.report : undefined;
  };
  const checking = () => health.state !== "ready";
  const summary = () => summarize(result());

  return (
    <section class="panel" aria-labelledby="api-status-heading" aria-busy={checking()}>
      <div class="panel-head">
        <h1 id="api-status-heading">Management API status</h1>
        <button type="button" onClick={() => void refetch()} disabled={checking()}>
          {checking() ? "Checking…" : "Check again"}
        </button>
      </div>
      <p class="muted">
        Endpoint: <code>{apiBaseUrl}/health</code>
      </p>

      <p class="summary" role="status" data-state={summary().state}>
        {summary().text}
      </p>

      <Show when={report()}>
        {(current) => (
          <Show
            when={current().checks.length > 0}
            fallback={<p class="muted">The API reported no dependency checks.</p>}
          >
            <div class="table-scroll">
              <table>
                <caption>
                  Dependency checks at {current().checkedAt.toLocaleTimeString()} (round trip{" "}
                  {current().roundTripMs} ms)
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Dependency</th>
                    <th scope="col">State</th>
                    <th scope="col" class="numeric">
                      Latency
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={current().checks}>
                    {(check) => (
                      <tr>
                        <th scope="row">
                          <code>{check.name}</code>
                        </th>
                        <td>
                          <span class="badge" data-ok={check.ok}>
                            {check.ok ? "OK" : "Failing"}
                          </span>
                          <Show when={check.error}>
                            {(error) => <span class="check-error">{error()}</span>}
                          </Show>
                        </td>
                        <td class="numeric">
                          {check.latencyMs === null ? "n/a" : `${check.latencyMs} ms`}
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>
    </section>
  );
}
