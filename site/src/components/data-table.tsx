// A data table: columns described once (header, cell, optional sort key), sortable headers
// that say their direction to screen readers (aria-sort), optional row selection with a
// select-all checkbox, horizontal scrolling on narrow screens. Data, sorting and selection
// state belong to the page; the table only draws them.
import { createRenderEffect, For, Show, type JSX } from "solid-js";

export interface DataColumn<Row> {
  id: string;
  header: string;
  cell: (row: Row) => JSX.Element;
  /** The sort this column's header asks for; absent: the column does not sort. */
  sortKey?: string;
  class?: string;
}

export interface DataTableProps<Row> {
  caption: string;
  rows: readonly Row[];
  columns: readonly DataColumn<Row>[];
  rowKey: (row: Row) => string;
  /** How a row is named for its checkbox, e.g. its name. */
  rowLabel?: (row: Row) => string;
  sort?: { key: string; order: "asc" | "desc" };
  onSort?: (key: string) => void;
  selected?: ReadonlySet<string>;
  onSelectedChange?: (next: Set<string>) => void;
}

export function DataTable<Row>(props: DataTableProps<Row>) {
  const selectable = () => props.selected !== undefined && props.onSelectedChange !== undefined;
  const allSelected = () => props.rows.length > 0 && props.rows.every((row) => props.selected?.has(props.rowKey(row)));
  const someSelected = () => !allSelected() && props.rows.some((row) => props.selected?.has(props.rowKey(row)));
  const toggle = (key: string, on: boolean) => {
    const next = new Set(props.selected);
    if (on) next.add(key);
    else next.delete(key);
    props.onSelectedChange?.(next);
  };
  const ariaSort = (column: DataColumn<Row>) => {
    if (!column.sortKey) return undefined;
    if (props.sort?.key !== column.sortKey) return "none" as const;
    return props.sort.order === "asc" ? ("ascending" as const) : ("descending" as const);
  };
  return (
    <div class="table-scroll" tabindex="0" role="region" aria-label={props.caption}>
      <table class="data-table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <Show when={selectable()}>
              <th scope="col" class="select-cell">
                <input
                  type="checkbox"
                  aria-label="Select all rows"
                  checked={allSelected()}
                  ref={(element) => createRenderEffect(() => (element.indeterminate = someSelected()))}
                  onChange={(event) => props.onSelectedChange?.(event.currentTarget.checked ? new Set(props.rows.map(props.rowKey)) : new Set())}
                />
              </th>
            </Show>
            <For each={props.columns}>
              {(column) => (
                <th scope="col" class={column.class} aria-sort={ariaSort(column)}>
                  <Show when={column.sortKey && props.onSort} fallback={column.header}>
                    <button type="button" class="sort" onClick={() => props.onSort?.(column.sortKey!)}>
                      {column.header}
                      <span aria-hidden="true" class="sort-mark">
                        {props.sort?.key === column.sortKey ? (props.sort?.order === "asc" ? " ↑" : " ↓") : " ↕"}
                      </span>
                    </button>
                  </Show>
                </th>
              )}
            </For>
          </tr>
        </thead>
        <tbody>
          <For each={props.rows}>
            {(row) => (
              <tr data-selected={props.selected?.has(props.rowKey(row)) ? "true" : undefined}>
                <Show when={selectable()}>
                  <td class="select-cell">
                    <input
                      type="checkbox"
                      aria-label={`Select ${props.rowLabel?.(row) ?? props.rowKey(row)}`}
                      checked={props.selected?.has(props.rowKey(row)) ?? false}
                      onChange={(event) => toggle(props.rowKey(row), event.currentTarget.checked)}
                    />
                  </td>
                </Show>
                <For each={props.columns}>{(column) => <td class={column.class}>{column.cell(row)}</td>}</For>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
