/**
 * Setup file of the browser project: the shared stack (shared-stack.ts) writes its output to a
 * file; for a test that fails, this prints the lines written while it ran, and for a file whose
 * setup (beforeAll) failed, those written since the file started, as the stack each file started
 * used to show its own output for its failing tests.
 */
import { readFileSync, statSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, inject } from "vitest";
import type { RunnerTask } from "vitest";

/** At most this much of the log's end is printed for one failure. */
const MAX_BYTES = 64 * 1024;
const logFile = inject("siteStackLog");
const size = () => statSync(logFile).size;

function printSince(offset: number, what: string): void {
  const log = readFileSync(logFile);
  const from = Math.max(offset, log.length - MAX_BYTES);
  if (log.length <= from) return;
  console.log(`The shared stack's output ${what}${from > offset ? ` (its last ${MAX_BYTES / 1024} KiB)` : ""}:\n${log.subarray(from).toString("utf8")}`);
}

let fileStart = 0;
let printed = false;
beforeAll(() => {
  fileStart = size();
});
beforeEach(({ onTestFailed }) => {
  const from = size();
  onTestFailed(() => {
    printed = true;
    printSince(from, "while this test ran");
  });
});
// (vitest reads the first argument's pattern for fixtures: it must be a destructuring one, here an empty one.)
afterAll(({}, file) => {
  if (!printed && failed(file)) printSince(fileStart, "since this file started");
});

/** The task or one within it failed (a suite fails, its tests skipped, when its beforeAll throws). */
function failed(task: RunnerTask): boolean {
  return task.result?.state === "fail" || ("tasks" in task && task.tasks.some(failed));
}
