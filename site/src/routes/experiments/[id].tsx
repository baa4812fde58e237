// One experiment (A6): what it tests, start/stop/delete for editors, and its results — per
// variant units, exposures, conversions and conversion rate with its interval, the lift over the
// control with the API's interval, the p-value and probability to beat control in plain words,
// the traffic split against the weights with a banner when the API's sample-ratio test fails,
// and a "not enough data yet" state. Results refresh on their own while it runs.
import { useNavigate, useParams } from "@solidjs/router";
import { createMemo, createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { describeError } from "~/api/client";
import { call, report } from "~/api/contract";
import { ANALYTICS_LIMITS, type VariantResult } from "~/api/analytics";
import { AsyncView, EmptyState } from "~/components/async-state";
import { Dialog } from "~/components/dialog";
import { PageHeader } from "~/components/page-header";
import { notify } from "~/components/toasts";
import { BarChart } from "~/charts/bar-chart";
import { ChartPanel, type TableColumn } from "~/charts/chart-panel";
import { colorAt } from "~/charts/scale";
import { ForestChart } from "~/charts/forest-chart";
import { createQuery } from "~/analytics/create-query";
import { dataVerdict, explainComparison, explainSrm, signedPercent, variantName, wilsonInterval } from "~/analytics/experiment-language";
import { splitText, StatusBadge } from "~/analytics/experiment-status";
import { formatDateTime, formatNumber, formatPercent } from "~/lib/format";
import { canEdit, currentWorkspace } from "~/session/session";
import "~/styles/analytics.css";

const RESULTS_POLL_MS = 15_000;
const pValueText = (value: number | null) => (value === null ? "–" : value < 0.001 ? "< 0.001" : value.toFixed(3));

export default function ExperimentPage() {
  const params = useParams<{ id: string }>();
  const navigate = useNavigate();
  const [confirm, setConfirm] = createSignal<"stop" | "delete" | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [updatedAt, setUpdatedAt] = createSignal<Date | null>(null);

  const source = () => (currentWorkspace() ? { id: params.id, workspace: currentWorkspace()!.id } : null);
  const experiment = createQuery(source, ({ id }) => call("get", "/api/experiments/{experimentId}", { params: { experimentId: id } }));
  const results = createQuery(source, async ({ id }) => {
    const answer = await call("get", "/api/analytics/experiments/{experimentId}", { params: { experimentId: id } }).then(report);
    setUpdatedAt(new Date());
    return answer;
  });
  const prompt = createQuery(
    () => experiment.data()?.prompt_id,
    (promptId) => call("get", "/api/prompts/{promptId}", { params: { promptId } }),
  );
  onMount(() => {
    const timer = setInterval(() => {
      if (experiment.data()?.status === "running" && document.visibilityState === "visible") void results.refetch(true);
    }, RESULTS_POLL_MS);
    onCleanup(() => clearInterval(timer));
  });

  const act = async (action: "start" | "stop" | "delete") => {
    setBusy(true);
    try {
      if (action === "delete") {
        await call("delete", "/api/experiments/{experimentId}", { params: { experimentId: params.id } });
        notify("Experiment deleted");
        navigate("/experiments");
        return;
      }
      await (action === "start" ? call("post", "/api/experiments/{experimentId}/start", { params: { experimentId: params.id } }) : call("post", "/api/experiments/{experimentId}/stop", { params: { experimentId: params.id } }));
      notify(action === "start" ? "Started: get-prompt assigns units to the variants within seconds" : "Stopped: everyone gets the published version again");
      setConfirm(null);
      await Promise.all([experiment.refetch(), results.refetch()]);
    } catch (caught) {
      notify(describeError(caught), "error");
    } finally {
      setBusy(false);
    }
  };

  const control = () => results.data()?.variants.find((variant) => variant.is_control) ?? results.data()?.variants[0];
  const treatments = () => results.data()?.variants.filter((variant) => variant !== control()) ?? [];
  const verdict = createMemo(() => (results.data() ? dataVerdict(results.data()!) : null));
  const totalUnits = () => results.data()?.variants.reduce((sum, variant) => sum + variant.units, 0) ?? 0;
  const srmFailed = () => (results.data() ? totalUnits() > 0 && results.data()!.srm_p_value < ANALYTICS_LIMITS.srmThreshold : false);
  const level = () => `${Math.round((results.data()?.confidence_level ?? 0.95) * 100)} %`;
  const snippetHref = () => `/prompts/${experiment.data()?.prompt_id ?? ""}?tab=code`;

  const variantColumns = (): TableColumn<VariantResult>[] => [
    { header: "Variant", value: (row) => row.key, display: (row) => variantName(row) },
    { header: "Version", value: (row) => row.version_number, display: (row) => <a href={`/prompts/${results.data()!.prompt_id}?tab=versions`}>v{row.version_number}</a>, numeric: true },
    { header: "Expected share", value: (row) => row.expected_share, display: (row) => formatPercent(row.expected_share), numeric: true },
    { header: "Units", value: (row) => row.units, display: (row) => formatNumber(row.units), numeric: true },
    { header: "Exposures", value: (row) => row.exposures, display: (row) => formatNumber(row.exposures), numeric: true },
    { header: "Conversions", value: (row) => row.conversions, display: (row) => formatNumber(row.conversions), numeric: true },
    { header: "Conversion rate", value: (row) => row.conversion_rate, display: (row) => formatPercent(row.conversion_rate), numeric: true },
    {
      header: `Rate ${"interval"}`,
      value: (row) => {
        const interval = wilsonInterval(row.conversions, row.units, results.data()!.confidence_level);
        return interval ? `${interval.low.toFixed(4)}–${interval.high.toFixed(4)}` : null;
      },
      display: (row) => {
        const interval = wilsonInterval(row.conversions, row.units, results.data()!.confidence_level);
        return interval ? `${formatPercent(interval.low)} – ${formatPercent(interval.high)}` : "–";
      },
      numeric: true,
    },
    { header: "Lift", value: (row) => row.lift, display: (row) => (row.is_control ? "baseline" : row.lift === null ? "–" : signedPercent(row.lift)), numeric: true },
    { header: "p-value", value: (row) => row.p_value, display: (row) => (row.is_control ? "" : pValueText(row.p_value)), numeric: true },
    { header: "Probability to beat control", value: (row) => row.probability_to_beat_control, display: (row) => (row.is_control ? "" : formatPercent(row.probability_to_beat_control)), numeric: true },
  ];

  return (
    <AsyncView query={experiment} errorTitle="This experiment could not be loaded" loading="Loading the experiment…">
      {(current) => (
        <>
          <PageHeader
            title={current().name}
            back={{ href: "/experiments", label: "Experiments" }}
            description={
              <>
                <StatusBadge status={current().status} /> Testing <a href={`/prompts/${current().prompt_id}`}>{prompt.data()?.name ?? "the prompt"}</a> in {current().environment} on <code>{current().primary_event}</code> · {splitText(current().variants)} · <a href={`/traces?prompt=${current().prompt_id}&env=${current().environment}`}>Answers and events</a>
              </>
            }
            actions={
              <>
                <button type="button" class="secondary" onClick={() => void results.refetch()} disabled={results.loading()}>
                  {results.loading() ? "Refreshing…" : "Refresh"}
                </button>
                <Show when={canEdit()}>
                  <Show when={current().status === "draft"}>
                    <button type="button" onClick={() => void act("start")} disabled={busy()}>
                      Start experiment
                    </button>
                  </Show>
                  <Show when={current().status === "running"}>
                    <button type="button" class="secondary stop-button" onClick={() => setConfirm("stop")} disabled={busy()}>
                      Stop experiment
                    </button>
                  </Show>
                  <Show when={current().status !== "running"}>
                    <button type="button" class="secondary" onClick={() => setConfirm("delete")} disabled={busy()}>
                      Delete
                    </button>
                  </Show>
                </Show>
              </>
            }
          />
          <dl class="key-value experiment-facts panel">
            <dt>Started</dt>
            <dd>{current().started_at ? formatDateTime(current().started_at) : "not yet"}</dd>
            <dt>Stopped</dt>
            <dd>{current().stopped_at ? formatDateTime(current().stopped_at) : current().status === "running" ? "running" : "–"}</dd>
            <Show when={current().description}>
              <dt>Hypothesis</dt>
              <dd>{current().description}</dd>
            </Show>
            <dt>Results</dt>
            <dd>
              {updatedAt() ? `updated ${formatDateTime(updatedAt())}` : "loading"}
              {current().status === "running" ? " · refreshes every 15 s" : ""}
            </dd>
          </dl>

          <AsyncView query={results} errorTitle="Results could not be loaded" loading="Loading results…">
            {(data) => (
              <div class="stack experiment-results">
                <Show when={srmFailed()}>
                  <div class="notice srm-banner" data-kind="bad" role="alert">
                    <p>
                      <strong>Sample ratio mismatch — don't trust these results yet.</strong>
                    </p>
                    <p>{explainSrm(data())}</p>
                  </div>
                </Show>
                <Show
                  when={verdict()?.kind !== "no-data"}
                  fallback={
                    <EmptyState title={current().status === "draft" ? "Not started yet" : "No units yet"}>
                      {current().status === "draft" ? (
                        <>Start the experiment to split traffic. </>
                      ) : (
                        <>Nobody has been assigned a variant yet. </>
                      )}
                      Apps must call get-prompt for this prompt in <strong>{current().environment}</strong> with a stable <code>unit_id</code> (a user or account id), then send <code>{current().primary_event}</code> to <code>POST /api/v1/events</code> with the <code>trace_id</code> they got back. <a href={snippetHref()}>See the snippet</a>.
                    </EmptyState>
                  }
                >
                  <Show when={verdict()?.kind === "too-little"}>
                    <div class="notice not-enough-data" data-kind="warn">
                      <p>
                        <strong>Not enough data yet.</strong> {(verdict() as { reason: string }).reason} The numbers below are real, but a difference this early is mostly noise.
                      </p>
                    </div>
                  </Show>
                  <section class="panel experiment-summary" aria-labelledby="summary-heading">
                    <h2 id="summary-heading">What the data says</h2>
                    <For each={treatments()}>{(treatment) => <p class="experiment-sentence">{explainComparison(control()!, treatment, data().confidence_level)}</p>}</For>
                    <p class="muted small">
                      "Noise" is the two-sided p-value of a two-proportion z-test: how often a difference at least this large would appear if the variants truly converted alike. Significant at the {level()} level means that chance is below{" "}
                      {formatPercent(1 - data().confidence_level)}. The probability to beat the control is Bayesian (uniform priors).
                    </p>
                  </section>

                  <ChartPanel
                    title="Conversion rate by variant"
                    description={`Units that did ${data().primary_event} on one of their traces, with the ${level()} interval of each rate; the dashed line is the control's rate`}
                    rows={data().variants}
                    columns={variantColumns()}
                    csvName={`experiment-${data().experiment_id}`}
                    apiExport={{ path: `/api/analytics/experiments/${data().experiment_id}`, query: { format: "csv" } }}
                    tableOpen
                    class="experiment-rates"
                  >
                    <ForestChart
                      rows={data().variants.map((variant) => {
                        const interval = wilsonInterval(variant.conversions, variant.units, data().confidence_level);
                        return { id: variant.key, label: variantName(variant), estimate: variant.units > 0 ? variant.conversion_rate : null, low: interval?.low ?? null, high: interval?.high ?? null };
                      })}
                      reference={control() && control()!.units > 0 ? control()!.conversion_rate : undefined}
                      referenceLabel={control() ? `control ${formatPercent(control()!.conversion_rate)}` : undefined}
                      format={formatPercent}
                      minDomain={0}
                      label={`Conversion rate by variant: ${data()
                        .variants.map((variant) => `${variantName(variant)} ${formatPercent(variant.conversion_rate)} of ${formatNumber(variant.units)} units`)
                        .join(", ")}`}
                    />
                  </ChartPanel>

                  <ChartPanel
                    title="Lift over the control"
                    description={`Relative difference in conversion rate with its ${level()} interval; an interval that crosses 0 % could be no difference at all`}
                    rows={treatments()}
                    columns={[
                      { header: "Variant", value: (row) => row.key, display: (row) => variantName(row) },
                      { header: "Lift", value: (row) => row.lift, display: (row) => (row.lift === null ? "–" : signedPercent(row.lift)), numeric: true },
                      { header: "Interval low", value: (row) => row.ci_low, display: (row) => (row.ci_low === null ? "–" : signedPercent(row.ci_low)), numeric: true },
                      { header: "Interval high", value: (row) => row.ci_high, display: (row) => (row.ci_high === null ? "–" : signedPercent(row.ci_high)), numeric: true },
                      { header: "p-value", value: (row) => row.p_value, display: (row) => pValueText(row.p_value), numeric: true },
                      { header: "Probability to beat control", value: (row) => row.probability_to_beat_control, display: (row) => formatPercent(row.probability_to_beat_control), numeric: true },
                    ]}
                    csvName={`experiment-lift-${data().experiment_id}`}
                    empty={
                      treatments().every((row) => row.lift === null) ? (
                        <p class="muted chart-empty">No lift yet: it needs at least one conversion in the control ({control() ? variantName(control()!) : "the first variant"}).</p>
                      ) : undefined
                    }
                  >
                    <ForestChart
                      rows={treatments().map((variant) => ({ id: variant.key, label: variantName(variant), estimate: variant.lift, low: variant.ci_low, high: variant.ci_high }))}
                      reference={0}
                      referenceLabel="no difference"
                      format={signedPercent}
                      label={`Lift over the control: ${treatments()
                        .map((variant) => `${variantName(variant)} ${variant.lift === null ? "unknown" : signedPercent(variant.lift)}`)
                        .join(", ")}`}
                    />
                  </ChartPanel>

                  <ChartPanel
                    title="Traffic split"
                    description={`Units per variant against the weights; sample-ratio test p = ${data().srm_p_value.toPrecision(2)} (${srmFailed() ? "mismatch" : "consistent with the weights"})`}
                    rows={data().variants}
                    columns={[
                      { header: "Variant", value: (row) => row.key, display: (row) => variantName(row) },
                      { header: "Units", value: (row) => row.units, display: (row) => formatNumber(row.units), numeric: true },
                      { header: "Share", value: (row) => (totalUnits() > 0 ? row.units / totalUnits() : null), display: (row) => formatPercent(totalUnits() > 0 ? row.units / totalUnits() : null), numeric: true },
                      { header: "Expected share", value: (row) => row.expected_share, display: (row) => formatPercent(row.expected_share), numeric: true },
                    ]}
                    csvName={`experiment-split-${data().experiment_id}`}
                  >
                    <BarChart
                      rows={data().variants.map((variant, index) => ({
                        id: variant.key,
                        label: variantName(variant),
                        value: variant.units,
                        color: colorAt(index),
                        note: `${formatPercent(totalUnits() > 0 ? variant.units / totalUnits() : 0)} (expected ${formatPercent(variant.expected_share)})`,
                      }))}
                      format={formatNumber}
                      label={`Units per variant: ${data()
                        .variants.map((variant) => `${variantName(variant)} ${formatNumber(variant.units)}`)
                        .join(", ")}`}
                    />
                  </ChartPanel>
                </Show>
              </div>
            )}
          </AsyncView>

          <Dialog
            open={confirm() !== null}
            title={confirm() === "stop" ? "Stop this experiment?" : "Delete this experiment?"}
            onClose={() => setConfirm(null)}
            footer={
              <>
                <button type="button" class="secondary" onClick={() => setConfirm(null)}>
                  Cancel
                </button>
                <button type="button" class="secondary stop-button" disabled={busy()} onClick={() => void act(confirm()!)}>
                  {confirm() === "stop" ? "Stop experiment" : "Delete experiment"}
                </button>
              </>
            }
          >
            <p>
              {confirm() === "stop"
                ? "Everyone gets the published version again within seconds. The results stay, counted up to now; a stopped experiment cannot be restarted (its results would mix two periods)."
                : "The experiment and its settings are deleted. Exposures and events stay in the analytics."}
            </p>
          </Dialog>
        </>
      )}
    </AsyncView>
  );
}
