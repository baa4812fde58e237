// "LLM cost by provider and model" from GET /api/analytics/llm-usage: the playground, compare
// and failover calls the workspace paid for, as bars per provider/model and cost per day per
// provider, with the API's CSV export of each table.
import { createMemo, Show } from "solid-js";
import { call, report } from "~/api/contract";
import { BarChart } from "~/charts/bar-chart";
import { ChartPanel } from "~/charts/chart-panel";
import { colorAt } from "~/charts/scale";
import { TimeSeriesChart } from "~/charts/time-series-chart";
import { formatMicros, formatNumber } from "~/lib/format";
import { createQuery } from "./create-query";
import { isoDay, type TimeRange } from "./date-range";

const PROVIDER_LABEL: Record<string, string> = { openai: "OpenAI", anthropic: "Anthropic", google: "Google" };
const providerLabel = (provider: string) => PROVIDER_LABEL[provider] ?? provider;
const DAY = 86_400_000;
/** The body's room (ChartPanel's `reserve`): a few bars and "Table". */
const RESERVE = 150;

export function LlmCostPanel(props: { range: TimeRange; promptId: string | null; workspaceId: string }) {
  const query = () => ({ from: props.range.from.toISOString(), to: props.range.to.toISOString(), prompt_id: props.promptId ?? undefined });
  const usage = createQuery(
    () => ({ ...query(), workspace: props.workspaceId }),
    ({ workspace: _workspace, ...params }) => call("get", "/api/analytics/llm-usage", { query: params }).then(report),
  );
  const days = createMemo(() => {
    const first = Math.floor(props.range.from.getTime() / DAY) * DAY;
    const out: number[] = [];
    for (let day = first; day < props.range.to.getTime(); day += DAY) out.push(day);
    return out;
  });
  const byModel = () => usage.data()?.by_model ?? [];
  const providers = createMemo(() => [...new Set(usage.data()?.by_model.map((row) => row.provider) ?? [])]);
  const perDay = createMemo(() =>
    providers().map((provider, index) => {
      const totals = new Map<number, number>();
      for (const row of usage.data()?.by_day ?? []) if (row.provider === provider) totals.set(Date.parse(`${row.day.slice(0, 10)}T00:00:00Z`), (totals.get(Date.parse(`${row.day.slice(0, 10)}T00:00:00Z`)) ?? 0) + row.cost_micros);
      return { id: provider, label: providerLabel(provider), color: colorAt(index), values: days().map((day) => totals.get(day) ?? 0) };
    }),
  );
  const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
  return (
    <ChartPanel
      title="LLM cost by provider and model"
      description={
        <Show when={usage.data()} fallback={<>Playground, compare and failover calls: the requests, tokens and cost the workspace paid providers for.</>}>
          {(data) => (
            <>
              Playground, compare and failover calls: {formatNumber(data().totals.requests)} requests, {formatNumber(data().totals.tokens_in + data().totals.tokens_out)} tokens, {formatMicros(data().totals.cost_micros)} in all.
            </>
          )}
        </Show>
      }
      query={usage}
      loading="Loading LLM cost…"
      errorTitle="LLM cost could not be loaded"
      reserve={RESERVE}
      rows={byModel()}
      columns={[
        { header: "Provider", value: (row) => row.provider, display: (row) => providerLabel(row.provider) },
        { header: "Model", value: (row) => row.model, display: (row) => <code>{row.model}</code> },
        { header: "Requests", value: (row) => row.requests, display: (row) => formatNumber(row.requests), numeric: true },
        { header: "Errors", value: (row) => row.errors, display: (row) => formatNumber(row.errors), numeric: true },
        { header: "Input tokens", value: (row) => row.tokens_in, display: (row) => formatNumber(row.tokens_in), numeric: true },
        { header: "Cached input", value: (row) => row.tokens_cached, display: (row) => formatNumber(row.tokens_cached), numeric: true },
        { header: "Output tokens", value: (row) => row.tokens_out, display: (row) => formatNumber(row.tokens_out), numeric: true },
        { header: "Cost (USD)", value: (row) => row.cost_micros / 1_000_000, display: (row) => formatMicros(row.cost_micros), numeric: true },
      ]}
      csvName={`llm-cost-${isoDay(props.range.from)}`}
      apiExport={{ path: "/api/analytics/llm-usage", query: { ...query(), table: "by_model", format: "csv" } }}
      empty={
        usage.data()?.by_model.length === 0 ? (
          <p class="muted chart-empty">
            No LLM calls in this range. Runs in the <a href="/playground">playground</a> and comparisons are counted here with the provider's tokens and the price table's cost.
          </p>
        ) : undefined
      }
    >
      <BarChart
        rows={byModel().map((row) => ({ id: `${row.provider}/${row.model}`, label: `${providerLabel(row.provider)} · ${row.model}`, value: row.cost_micros, note: `${formatNumber(row.requests)} req.`, color: colorAt(providers().indexOf(row.provider)) }))}
        format={formatMicros}
        label={`LLM cost by model: ${byModel()
          .map((row) => `${providerLabel(row.provider)} ${row.model} ${formatMicros(row.cost_micros)}`)
          .join(", ")}`}
      />
      <Show when={days().length > 1}>
        <h3 class="chart-subtitle">Cost per day, by provider</h3>
        <TimeSeriesChart
          times={days()}
          series={perDay()}
          format={formatMicros}
          formatAxis={(micros, step) => `$${(micros / 1_000_000).toFixed(Math.max(2, Math.min(8, Math.ceil(-Math.log10(step / 1_000_000)))))}`}
          formatTime={(time) => dayFormat.format(time)}
          height={180}
          label={`LLM cost per day by provider: ${perDay()
            .map((line) => `${line.label} ${formatMicros(line.values.reduce((sum, value) => sum + (value ?? 0), 0))}`)
            .join(", ")}`}
        />
      </Show>
    </ChartPanel>
  );
}
