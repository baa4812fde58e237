// The small print of the headline figures: how fresh they are (the aggregation's watermark, and
// hours still waiting to be recomputed) and which events the "Conversions" card counts.
import { Show } from "solid-js";
import type { EventDefinition } from "~/api/analytics";
import { formatNumber } from "~/lib/format";

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const dayTimeFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });

/** "12:03" today, "Mar 3, 12:03" another day. */
export function asOfText(iso: string, now = new Date()): string {
  const when = new Date(iso);
  return when.toDateString() === now.toDateString() ? timeFormat.format(when) : dayTimeFormat.format(when);
}

export function FreshnessCaption(props: { asOf: string | null | undefined; hoursPending: number | undefined }) {
  return (
    <p class="kpi-freshness muted small">
      <Show when={props.asOf} fallback={<>Not aggregated yet: figures appear within five minutes of the first requests.</>}>
        {(asOf) => (
          <>
            As of <time datetime={asOf()}>{asOfText(asOf())}</time>
            <Show when={(props.hoursPending ?? 0) > 0}>
              {" "}· {formatNumber(props.hoursPending!)} hour{props.hoursPending === 1 ? "" : "s"} still being counted
            </Show>{" "}
            · aggregated every five minutes
          </>
        )}
      </Show>
    </p>
  );
}

/** The events the Conversions card counts: those of the "conversion" category. */
export function conversionNote(definitions: readonly EventDefinition[] | undefined): string | undefined {
  if (!definitions) return undefined;
  const names = definitions.filter((definition) => definition.category === "conversion").map((definition) => definition.event_name);
  return names.length > 0 ? `Counts ${names.join(", ")} (events in the Conversion category)` : "No event is defined as a conversion yet: give an event definition the Conversion category";
}
