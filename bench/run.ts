/**
 * `npm run bench`: runs the workers in workerd (the same local stack as `npm run dev`, without
 * the site), loads them over loopback, prints a table and writes bench/results.json. Every row
 * that has a goal names a baseline measured in the same run (or an absolute bound), so results
 * compare across machines.
 *
 * Suites (BENCH_SUITES, comma-separated, default all): edge (get-prompt against the empty
 * route), ingestion (events HTTP → queue → Postgres against a plain batched INSERT), analytics
 * (funnel and experiment queries over 1.28 million events), sdk (the TypeScript SDK's cached
 * getPrompt in-process against @langfuse/client's cached prompt.get + compile and against a
 * plain fetch of get-prompt), lighthouse (the built site, signed in, scored by Lighthouse in
 * Debian's Chromium on /prompts, /prompts/{id} and /dashboard; BENCH_LIGHTHOUSE_FORM=mobile for
 * its mobile preset).
 * Bounded: BENCH_DURATION seconds per load row (default 8), BENCH_CONNECTIONS (default 50),
 * BENCH_ROUNDS alternating rounds (edge; default 3), BENCH_EVENTS ingested (default 50,000),
 * BENCH_UNITS of the analytics experiment (default and most 100,000) and BENCH_QUERIES calls of
 * each of its queries (default 30), BENCH_SDK_CALLS per SDK row (default 60,000, in rounds of
 * 2,000). Each suite's time goes to stderr.
 * BENCH_OUTPUT writes the JSON elsewhere (CI does, to keep the committed reference run).
 * BENCH_VERBOSE=1 shows the stack's log.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../local/stack.ts";
import { analyticsSuite } from "./analytics.ts";
import { edgeSuite } from "./edge.ts";
import { ingestionSuite } from "./ingestion.ts";
import { lighthouseSuite } from "./lighthouse.ts";
import { sdkSuite } from "./sdk.ts";
import { connections, duration, printTable, type Row } from "./support.ts";

const SUITES: Record<string, (log: (line: string) => void) => Promise<Row[]>> = {
  edge: edgeSuite,
  ingestion: ingestionSuite,
  analytics: analyticsSuite,
  sdk: sdkSuite,
  lighthouse: lighthouseSuite,
};

async function main(): Promise<void> {
  const selected = (process.env.BENCH_SUITES ?? Object.keys(SUITES).join(",")).split(",").map((name) => name.trim()).filter(Boolean);
  const unknown = selected.filter((name) => !(name in SUITES));
  if (unknown.length > 0) throw new Error(`unknown BENCH_SUITES: ${unknown.join(", ")} (known: ${Object.keys(SUITES).join(", ")})`);
  const log = (line: string) => {
    if (process.env.BENCH_VERBOSE) console.error(line);
  };
  const rows: Row[] = [];
  for (const suite of selected) {
    const started = performance.now();
    rows.push(...(await SUITES[suite]!(log)));
    console.error(`bench: the ${suite} suite took ${Math.round((performance.now() - started) / 1000)} s`);
  }
  printTable(rows);
  const output = {
    generated_at: new Date().toISOString(),
    settings: { duration_s: duration, connections, node: process.version, suites: selected },
    rows,
  };
  const outputPath = process.env.BENCH_OUTPUT ?? join(ROOT, "bench/results.json");
  writeFileSync(outputPath, JSON.stringify(output, null, 2) + "\n");
  console.log(`\nwrote ${outputPath}`);
  const failed = rows.filter((row) => row.errors > 0);
  if (failed.length > 0) throw new Error(`requests failed in: ${failed.map((row) => row.name).join(", ")}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
