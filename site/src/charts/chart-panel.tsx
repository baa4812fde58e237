// The frame every chart sits in: a titled panel, the chart (an SVG that screen readers get as
// one labelled image), and the same numbers as a data table behind a "Table" disclosure, with
// a CSV export of exactly those rows. One column description serves the table and the CSV.
import { createUniqueId, For, Match, Show, Switch, type JSX } from "solid-js";
import { describeError, sendRaw, type Query } from "~/api/client";
import type { Query as DataQuery } from "~/analytics/create-query";
import { ErrorNotice, Loading } from "~/components/async-state";
import { downloadBlob, downloadText, toCsv } from "~/lib/csv";
import { notify } from "~/components/toasts";

export interface TableColumn<Row> {
  header: string;
  /** The raw value: what the CSV holds. */
  value: (row: Row) => string | number | boolean | null | undefined;
  /** How the table shows it (default: the raw value). */
  display?: (row: Row) => JSX.Element;
  numeric?: boolean;
}

export interface ChartPanelProps<Row> {
  title: string;
  /** One sentence under the title: what the chart shows. */
  description?: JSX.Element;
  /** Controls beside the title (pickers). */
  controls?: JSX.Element;
  /** Controls under the title, shown also when the panel is empty (a funnel's step builder). */
  toolbar?: JSX.Element;
  rows: readonly Row[];
  columns: readonly TableColumn<Row>[];
  /** File name of the CSV, without extension. */
  csvName: string;
  /** Export from the API instead (all rows, streamed), e.g. { path, query: { format: "csv" } }. */
  apiExport?: { path: string; query: Query };
  /** Shown instead of the chart and table when there is nothing to draw. */
  empty?: JSX.Element;
  /** Open the table by default (views where the table is the main read). */
  tableOpen?: boolean;
  /**
   * The data the panel loads itself (analytics/create-query.ts): until it first arrives the body
   * is a placeholder saying `loading`; a failure is shown with its retry.
   * The frame (title, description, controls) is there from the start, so nothing moves when it lands.
   */
  query?: Pick<DataQuery<unknown>, "data" | "error" | "refetch">;
  /** The placeholder's words ("Loading LLM cost…"); without `query`, the body shows it as long as it is set. */
  loading?: string | false;
  /** The failure's heading ("LLM cost could not be loaded"). */
  errorTitle?: string;
  /**
   * The room in px the body keeps whether it loads, is empty or draws (the chart with its legend
   * and the table's disclosure), so the panels below do not jump when the data, or its absence, arrives.
   */
  reserve?: number;
  class?: string;
  children: JSX.Element;
}

export function ChartPanel<Row>(props: ChartPanelProps<Row>) {
  const headingId = createUniqueId();
  const exportCsv = async () => {
    if (props.apiExport) {
      try {
        const response = await sendRaw("GET", props.apiExport.path, { query: props.apiExport.query, timeoutMs: 120_000 });
        const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? `${props.csvName}.csv`;
        downloadBlob(name, await response.blob());
      } catch (caught) {
        notify(describeError(caught), "error");
      }
      return;
    }
    downloadText(`${props.csvName}.csv`, toCsv(props.rows, props.columns.map((column) => ({ header: column.header, value: column.value }))));
  };
  // A failed load replaces what was shown (it answered other filters); a quiet poll's does not reach here.
  const failure = () => props.query?.error();
  const waiting = () => (props.query ? props.query.data() === undefined && !props.query.error() : Boolean(props.loading));
  const settled = () => !failure() && !waiting();
  return (
    <section class={`panel chart-panel ${props.class ?? ""}`} aria-labelledby={headingId} aria-busy={waiting() || undefined} style={props.reserve ? { "--chart-reserve": `${props.reserve}px` } : undefined}>
      <div class="panel-head">
        <div class="chart-title">
          <h2 id={headingId}>{props.title}</h2>
          <Show when={props.description}>
            <p class="muted small">{props.description}</p>
          </Show>
        </div>
        <div class="row chart-controls">
          {props.controls}
          <Show when={settled() && !props.empty}>
            <button type="button" class="secondary small" onClick={() => void exportCsv()} aria-label={`Export ${props.title} as CSV`}>
              CSV
            </button>
          </Show>
        </div>
      </div>
      {props.toolbar}
      <div class="chart-slot">
        <Switch>
          <Match when={failure()}>
            <ErrorNotice error={failure()} title={props.errorTitle} onRetry={() => void props.query?.refetch()} />
          </Match>
          <Match when={waiting()}>
            <Loading label={props.loading || "Loading…"} />
          </Match>
          <Match when={props.empty}>{props.empty}</Match>
          <Match when={true}>
            <div class="chart-body">{props.children}</div>
            <details class="chart-table" open={props.tableOpen}>
              <summary>Table</summary>
              <div class="table-scroll" tabindex="0" role="region" aria-label={`${props.title}, table`}>
                <table class="data-table">
                  <caption class="visually-hidden">{props.title}</caption>
                  <thead>
                    <tr>
                      <For each={props.columns}>
                        {(column) => (
                          <th scope="col" class={column.numeric ? "numeric" : undefined}>
                            {column.header}
                          </th>
                        )}
                      </For>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={props.rows}>
                      {(row) => (
                        <tr>
                          <For each={props.columns}>{(column) => <td class={column.numeric ? "numeric" : undefined}>{column.display ? column.display(row) : (column.value(row) ?? "–")}</td>}</For>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </details>
          </Match>
        </Switch>
      </div>
    </section>
  );
}
