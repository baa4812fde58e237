// How a model call reads after it ran (provider-reported tokens, latency, cost), before it runs
// (the token count and cost estimate, labelled exact or estimated), and when it failed over.
import { For, Show } from "solid-js";
import { PROVIDER_LABEL, type CountAnswer, type FailedAttempt, type LlmProvider, type Tokens } from "~/api/llm";
import { formatMicros, formatNumber } from "~/lib/format";

export function formatLatency(ms: number): string {
  return ms < 1000 ? `${formatNumber(Math.round(ms))} ms` : `${formatNumber(Math.round(ms / 100) / 10)} s`;
}

export const targetName = (provider: LlmProvider, model: string) => `${PROVIDER_LABEL[provider]} · ${model}`;

export function costText(micros: number, priced: boolean): string {
  return priced ? formatMicros(micros) : "unpriced";
}

/** Tokens, latency and cost of a finished call, as the provider reported them. */
export function RunFigures(props: { tokens: Tokens; latencyMs: number; firstTokenMs?: number | undefined; costMicros: number; priced: boolean; finishReason: string | null; label?: string }) {
  return (
    <dl class="llm-figures" aria-label={props.label ?? "Provider-reported usage"}>
      <div>
        <dt>Input tokens</dt>
        <dd class="numeric" data-figure="input">
          {formatNumber(props.tokens.input)}
        </dd>
      </div>
      <div>
        <dt>Cached input</dt>
        <dd class="numeric" data-figure="cached">
          {formatNumber(props.tokens.cached_input)}
        </dd>
      </div>
      <div>
        <dt>Output tokens</dt>
        <dd class="numeric" data-figure="output">
          {formatNumber(props.tokens.output)}
        </dd>
      </div>
      <div>
        <dt>Latency</dt>
        <dd class="numeric" data-figure="latency">
          {formatLatency(props.latencyMs)}
          <Show when={props.firstTokenMs !== undefined}>
            <span class="muted small"> · first token {formatLatency(props.firstTokenMs ?? 0)}</span>
          </Show>
        </dd>
      </div>
      <div>
        <dt>Cost</dt>
        <dd class="numeric" data-figure="cost" title={props.priced ? undefined : "This model is not in the price table"}>
          {costText(props.costMicros, props.priced)}
        </dd>
      </div>
      <div>
        <dt>Finish</dt>
        <dd data-figure="finish">{props.finishReason === "length" ? "max tokens reached" : (props.finishReason ?? "–")}</dd>
      </div>
    </dl>
  );
}

/** How the count was made; "exact" only when the API says the count is the model's own. */
const methodText = (count: CountAnswer) => {
  const label = count.exact ? "exact" : "estimate";
  if (count.method === "tiktoken") return `${label}, counted with tiktoken${count.encoding ? ` (${count.encoding})` : ""}`;
  if (count.method === "provider") return `${label}, counted by ${PROVIDER_LABEL[count.provider]}`;
  return "estimate";
};

/** The count-tokens answer: input tokens (exact or estimated) and the cost up to max_tokens of output. */
export function EstimateLine(props: { count: CountAnswer }) {
  const estimate = () => props.count.cost_estimate;
  return (
    <div class="llm-estimate" data-exact={props.count.exact ? "true" : "false"}>
      <p>
        <span class="badge" data-tone={props.count.exact ? "ok" : "warn"}>
          {props.count.exact ? "Exact count" : "Estimate"}
        </span>{" "}
        <strong class="numeric" data-figure="estimate-input">
          {props.count.exact ? "" : "≈ "}
          {formatNumber(props.count.input_tokens)} input tokens
        </strong>{" "}
        <span class="small">for {targetName(props.count.provider, props.count.model)}</span>{" "}
        <span class="muted small">({methodText(props.count)})</span>
      </p>
      <p class="small">
        <Show when={estimate().priced} fallback={<span class="muted">{props.count.model} is not in the price table: no cost estimate.</span>}>
          Estimated cost <strong data-figure="estimate-cost">{formatMicros(estimate().input_micros)}</strong> for the input, up to{" "}
          <strong data-figure="estimate-total">{formatMicros(estimate().total_micros_at_max_tokens)}</strong> with {formatNumber(props.count.max_output_tokens)} output tokens (the limit).
        </Show>
      </p>
      <Show when={props.count.note}>
        <p class="muted small">{props.count.note}</p>
      </Show>
    </div>
  );
}

/** Which providers failed before one answered, and why. */
export function FailoverNotice(props: { failed: readonly FailedAttempt[]; answeredBy?: { provider: LlmProvider; model: string } | undefined }) {
  return (
    <div class="notice llm-failover" data-kind={props.answeredBy ? "warn" : "bad"} role="status">
      <p class="llm-failover-title">
        <Show when={props.answeredBy} fallback={<>Every provider failed ({props.failed.length} attempts)</>}>
          {(answered) => (
            <>
              Failed over: answered by <strong>{targetName(answered().provider, answered().model)}</strong> after {props.failed.length} failed attempt{props.failed.length === 1 ? "" : "s"}
            </>
          )}
        </Show>
      </p>
      <ol class="llm-attempts">
        <For each={props.failed}>
          {(attempt) => (
            <li>
              <strong>{targetName(attempt.provider, attempt.model)}</strong> failed <span class="badge" data-tone="bad">{attempt.error_code}</span>
              <span class="llm-attempt-message">{attempt.message}</span>
            </li>
          )}
        </For>
      </ol>
    </div>
  );
}
