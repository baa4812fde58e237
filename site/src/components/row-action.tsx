/**
 * A button in a table row's actions: its short visible label, and the row it acts on for screen
 * readers and tests ("Edit" reads "Edit Errors up"), as every list page's row actions do.
 */
export function RowAction(props: { label: string; target: string; onClick: () => void; danger?: boolean; pressed?: boolean }) {
  return (
    <button type="button" class={props.danger ? "secondary small danger-text" : "secondary small"} aria-pressed={props.pressed} onClick={() => props.onClick()}>
      {props.label}
      <span class="visually-hidden"> {props.target}</span>
    </button>
  );
}
