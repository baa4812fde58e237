/**
 * CSV and JSON exports of the analytics tables (A7), one helper for every endpoint. Rows arrive
 * in pages (keyset pagination for the large tables) and are written to a ReadableStream as the
 * client reads, so an export of a million rows never sits in memory whole. The first page is read
 * before the response starts, so a failing query still answers a JSON error instead of a broken
 * download.
 *
 * CSV follows RFC 4180 (CRLF line ends; cells with quotes, commas or line breaks are quoted, inner
 * quotes doubled). Text cells that a spreadsheet would run as a formula (starting with = + - @,
 * tab or carriage return) get a leading apostrophe; numbers are written as they are.
 * JSON is `{"rows":[{…},…],"row_count":n,"row_limit":N,"truncated":bool}`: the trailing fields
 * come last because only the end of the stream knows them. A CSV export has no room for that
 * trailer: it says its cap in the X-Export-Row-Limit header, and holds exactly that many rows when
 * it was cut.
 */
import { describeError, log } from "@xr2/shared";

/** The most rows one export writes; narrower filters export the rest. */
export const EXPORT_ROW_LIMIT = 1_000_000;
/** Rows read from the database per query while exporting. */
export const EXPORT_PAGE_SIZE = 2000;

export const EXPORT_FORMATS = ["csv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type CellValue = string | number | boolean | null | Record<string, unknown> | unknown[];

export interface ExportColumn<Row> {
  name: string;
  value: (row: Row) => CellValue;
}

/** A table ready to export: column names and pages of cells, whatever the rows were. */
export interface ExportTable {
  /** Used in the file name, e.g. "events". */
  name: string;
  columns: readonly string[];
  /** The rows in a stable order, a page at a time; empty pages are allowed. */
  pages: AsyncIterable<CellValue[][]>;
}

/** An export of `pages` of rows, each row turned into cells by `columns`. */
export function exportTable<Row>(name: string, columns: ReadonlyArray<ExportColumn<Row>>, pages: AsyncIterable<Row[]>): ExportTable {
  async function* cells() {
    for await (const page of pages) yield page.map((row) => columns.map((column) => column.value(row)));
  }
  return { name, columns: columns.map((column) => column.name), pages: cells() };
}

/**
 * The format asked for: the `format` query parameter, else `Accept: text/csv`; undefined means
 * the endpoint's ordinary JSON answer.
 */
export function requestedExportFormat(format: ExportFormat | undefined, accept: string | undefined): ExportFormat | undefined {
  if (format) return format;
  const types = (accept ?? "").split(",").map((part) => part.split(";")[0]!.trim().toLowerCase());
  return types.includes("text/csv") ? "csv" : undefined;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell: RFC 4180 quoting, with formula-looking text defused. */
export function csvCell(value: CellValue): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  let text = typeof value === "string" ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly CellValue[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/**
 * Pages of a table sorted by a unique key: each page continues after the last key of the one
 * before, so no page repeats or skips rows and none needs an OFFSET.
 */
export async function* keysetPages<Row, Key>(
  fetchPage: (after: Key | undefined, limit: number) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
  pageSize: number = EXPORT_PAGE_SIZE,
): AsyncGenerator<Row[]> {
  let after: Key | undefined;
  for (;;) {
    const page = await fetchPage(after, pageSize);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = keyOf(page.at(-1)!);
  }
}

/** A table computed whole (funnels, cohorts, small summaries), as a single page. */
export async function* singlePage<Row>(load: () => Promise<Row[]>): AsyncGenerator<Row[]> {
  yield await load();
}

function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 120);
}

/** The export as a streamed attachment. */
export async function exportResponse(table: ExportTable, opts: { format: ExportFormat; fileName: string; requestId: string; rowLimit?: number }): Promise<Response> {
  const rowLimit = opts.rowLimit ?? EXPORT_ROW_LIMIT;
  const iterator = table.pages[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let written = 0;
  let pending: IteratorResult<CellValue[][]> | undefined = await iterator.next();

  const encodeRows = (rows: CellValue[][]): string => {
    if (opts.format === "csv") return rows.map(csvLine).join("");
    return rows
      .map((row, index) => {
        const record = Object.fromEntries(table.columns.map((name, column) => [name, row[column]]));
        return `${written + index === 0 ? "" : ","}\n${JSON.stringify(record)}`;
      })
      .join("");
  };

  const finish = async (controller: ReadableStreamDefaultController<Uint8Array>, truncated: boolean) => {
    if (opts.format === "json") controller.enqueue(encoder.encode(`\n],"row_count":${written},"row_limit":${rowLimit},"truncated":${truncated}}\n`));
    controller.close();
    await iterator.return?.(undefined);
  };

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(opts.format === "csv" ? csvLine(table.columns) : '{"rows":['));
    },
    // Each pull enqueues at least one chunk or ends the stream: a pull that enqueues nothing is
    // not called again.
    async pull(controller) {
      try {
        for (;;) {
          let result = pending ?? (await iterator.next());
          pending = undefined;
          if (written >= rowLimit) {
            // At the cap: whether any row was left out decides `truncated`.
            while (!result.done && result.value.length === 0) result = await iterator.next();
            return await finish(controller, !result.done);
          }
          if (result.done) return await finish(controller, false);
          const rows = result.value.slice(0, rowLimit - written);
          if (rows.length === 0) continue;
          controller.enqueue(encoder.encode(encodeRows(rows)));
          written += rows.length;
          if (rows.length < result.value.length) return await finish(controller, true);
          return;
        }
      } catch (error) {
        log("error", "export failed while streaming", { request_id: opts.requestId, table: table.name, rows_written: written, error: describeError(error) });
        controller.error(error);
        await iterator.return?.(undefined);
      }
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });

  return new Response(stream, {
    status: 200,
    headers: {
      "Content-Type": opts.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${safeFileName(opts.fileName)}.${opts.format}"`,
      "Cache-Control": "no-store",
      "X-Export-Row-Limit": String(rowLimit),
    },
  });
}
