// The one price table costs are computed from: list prices per million tokens by model, with
// the date the table was taken from the providers' pricing pages.
import { createSignal, For, Show } from "solid-js";
import { LLM_PROVIDERS, PROVIDER_LABEL, type LlmProvider, type ProvidersAnswer } from "~/api/llm";
import { formatCompact, formatDate } from "~/lib/format";

const money = (value: number | null, currency: string) =>
  value === null ? "–" : new Intl.NumberFormat(undefined, { style: "currency", currency, minimumFractionDigits: 2, maximumFractionDigits: 3 }).format(value);

export function PriceTable(props: { answer: ProvidersAnswer }) {
  const [provider, setProvider] = createSignal<LlmProvider | "all">("all");
  const rows = () =>
    props.answer.providers
      .filter((entry) => provider() === "all" || entry.provider === provider())
      .flatMap((entry) => entry.models.map((model) => ({ ...model, provider: entry.provider })));
  return (
    <section class="panel stack llm-prices" aria-labelledby="prices-heading">
      <div class="panel-head">
        <div>
          <h2 id="prices-heading">Price table</h2>
          <p class="muted small">
            List prices in {props.answer.currency} per million tokens, as of <time datetime={props.answer.prices_as_of}>{formatDate(`${props.answer.prices_as_of}T12:00:00Z`)}</time>. Every cost on the
            site is computed from this table; models not in it run unpriced.
          </p>
        </div>
        <label class="compact-field">
          <span class="visually-hidden">Show provider</span>
          <select value={provider()} onChange={(event) => setProvider(event.currentTarget.value as LlmProvider | "all")}>
            <option value="all">All providers</option>
            <For each={LLM_PROVIDERS}>{(name) => <option value={name}>{PROVIDER_LABEL[name]}</option>}</For>
          </select>
        </label>
      </div>
      <div class="table-scroll" tabindex="0" role="region" aria-label="Price table, scrolls sideways">
        <table class="llm-price-table">
          <caption class="visually-hidden">
            Prices per million tokens as of {props.answer.prices_as_of}
          </caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Provider</th>
              <th scope="col" class="numeric">
                Input
              </th>
              <th scope="col" class="numeric">
                Cached input
              </th>
              <th scope="col" class="numeric">
                Output
              </th>
              <th scope="col" class="numeric">
                Context
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={rows()}>
              {(row) => (
                <tr>
                  <th scope="row">
                    {row.name}
                    <Show when={row.name !== row.model}>
                      <span class="muted small llm-model-id">
                        {" "}
                        <code>{row.model}</code>
                      </span>
                    </Show>
                  </th>
                  <td>{PROVIDER_LABEL[row.provider]}</td>
                  <td class="numeric">{money(row.input_per_million, props.answer.currency)}</td>
                  <td class="numeric">{money(row.cached_input_per_million, props.answer.currency)}</td>
                  <td class="numeric">{money(row.output_per_million, props.answer.currency)}</td>
                  <td class="numeric">{formatCompact(row.context_window)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </section>
  );
}
