// "42 / 200": how much of a length limit a field uses, shown as the PM types. The limits are the
// API's own (@xr2/shared/prompt-limits), so the count and the API's check never disagree.
import { Show } from "solid-js";
import { formatNumber } from "~/lib/format";

export { PROMPT_LIMITS } from "@xr2/shared/prompt-limits";

export function CharCount(props: { value: string; max: number; label?: string }) {
  const over = () => props.value.length > props.max;
  return (
    <span class="char-count muted small" data-over={over() ? "true" : undefined} data-testid="char-count">
      <span aria-hidden="true">
        {formatNumber(props.value.length)} / {formatNumber(props.max)}
      </span>
      <span class="visually-hidden">
        {props.label ? `${props.label}: ` : ""}
        {formatNumber(props.value.length)} of at most {formatNumber(props.max)} characters
      </span>
      <Show when={over()}>
        <span class="form-error"> · {formatNumber(props.value.length - props.max)} too many</span>
      </Show>
    </span>
  );
}
