// How an experiment's status reads everywhere: a badge with a tone (running is the one to watch).
import type { ExperimentStatus } from "~/api/analytics";

const LABEL: Record<ExperimentStatus, string> = { draft: "Draft", running: "Running", stopped: "Stopped" };
const TONE: Record<ExperimentStatus, string | undefined> = { draft: undefined, running: "ok", stopped: "accent" };

export function StatusBadge(props: { status: ExperimentStatus }) {
  return (
    <span class="badge experiment-status" data-tone={TONE[props.status]} data-status={props.status}>
      {LABEL[props.status]}
    </span>
  );
}

/** Each variant's share of the weights, in per cent, e.g. "v1 50 % · v2 50 %". */
export function splitText(variants: ReadonlyArray<{ version_number: number; weight: number }>): string {
  const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
  return variants.map((variant) => `v${variant.version_number} ${total > 0 ? Math.round((variant.weight / total) * 1000) / 10 : 0} %`).join(" · ");
}
