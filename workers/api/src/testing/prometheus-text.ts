/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests. The pinned
 * parse-prometheus-text-format reads counters and gauges but merges the buckets of every label
 * set of a histogram into one (it only keeps unlabelled histograms apart), so histograms are
 * checked with this: every line must be a HELP, a TYPE or a sample of the family announced
 * last (with the _bucket/_sum/_count suffixes for histograms), label names and values well-formed,
 * values numbers, no series twice.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;

export function readExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a line feed");
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const seen = new Set<string>();
  let family: string | null = null;
  for (const line of text.slice(0, -1).split("\n")) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`bad metric name: ${line}`);
      if (kind === "TYPE") {
        if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(rest)) throw new Error(`bad type: ${line}`);
        if (types.has(name)) throw new Error(`TYPE twice: ${line}`);
        types.set(name, rest);
      }
      family = name;
      continue;
    }
    if (line.startsWith("#") || line === "") throw new Error(`unexpected line: ${JSON.stringify(line)}`);
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`bad sample: ${line}`);
    const [, name, labelText = "", valueText] = match as unknown as [string, string, string | undefined, string];
    const suffixes = types.get(family ?? "") === "histogram" ? ["", "_bucket", "_sum", "_count"] : [""];
    if (family === null || !suffixes.some((suffix) => name === `${family}${suffix}`)) throw new Error(`sample outside its family: ${line}`);
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < labelText.length) {
      const label = LABEL.exec(labelText);
      if (!label) throw new Error(`bad labels: ${line}`);
      labels[label[1]!] = label[2]!.replaceAll("\\n", "\n").replaceAll('\\"', '"').replaceAll("\\\\", "\\");
    }
    const value = valueText === "+Inf" ? Infinity : valueText === "-Inf" ? -Infinity : Number(valueText);
    if (Number.isNaN(value) && valueText !== "NaN") throw new Error(`bad value: ${line}`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`series twice: ${line}`);
    seen.add(key);
    samples.push({ name, labels, value });
  }
  return { types, samples };
}
