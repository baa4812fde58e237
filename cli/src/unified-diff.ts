/**
 * Unified diffs (`diff -u` style, 3 lines of context) of two texts, for `xr2 diff`. The edit
 * script comes from the API's Myers diff (the one behind GET /api/prompts/{promptId}/diff),
 * bundled into the CLI, so the CLI and the site agree on what changed.
 */
import { diffSequences, type DiffStep } from "../../workers/api/src/services/versions/sequence-diff.ts";

const CONTEXT = 3;

/** "" when the texts are equal; otherwise the diff with its ---/+++ header and @@ hunks. */
export function unifiedDiff(before: string, after: string, labels: { from: string; to: string }): string {
  if (before === after) return "";
  const a = splitLines(before);
  const b = splitLines(after);
  const steps = diffSequences(a, b);
  const changed = steps.map((step) => step.op !== "equal");
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`];
  let index = 0;
  while (index < steps.length) {
    if (!changed[index]) {
      index++;
      continue;
    }
    // A hunk: from CONTEXT steps before this change to CONTEXT steps after the last change that
    // lies within 2·CONTEXT equal steps of the previous one.
    const start = Math.max(0, index - CONTEXT);
    let end = index;
    let lastChange = index;
    while (end < steps.length && end - lastChange <= 2 * CONTEXT) {
      if (changed[end]) lastChange = end;
      end++;
    }
    const stop = Math.min(steps.length, lastChange + CONTEXT + 1);
    out.push(...hunk(steps.slice(start, stop), a, b, steps, start));
    index = stop;
  }
  return `${out.join("\n")}\n`;
}

function hunk(slice: DiffStep[], a: string[], b: string[], all: DiffStep[], offset: number): string[] {
  // Line numbers where the hunk starts: count the lines of each side consumed before it.
  let aStart = 0;
  let bStart = 0;
  for (const step of all.slice(0, offset)) {
    if (step.op !== "insert") aStart++;
    if (step.op !== "delete") bStart++;
  }
  const lines: string[] = [];
  let aCount = 0;
  let bCount = 0;
  for (const step of slice) {
    if (step.op === "equal") {
      lines.push(` ${a[step.a!]}`);
      aCount++;
      bCount++;
    } else if (step.op === "delete") {
      lines.push(`-${a[step.a!]}`);
      aCount++;
    } else {
      lines.push(`+${b[step.b!]}`);
      bCount++;
    }
  }
  const range = (start: number, count: number) => (count === 1 ? `${start + 1}` : `${count === 0 ? start : start + 1},${count}`);
  return [`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@`, ...lines];
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}
