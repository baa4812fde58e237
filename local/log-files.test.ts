/** Wrangler's log files are kept with the stack's data and pruned to the newest few at each start. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pruneLogFiles } from "./stack.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function logDirWith(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "xr2-logs-"));
  dirs.push(dir);
  // Each file one minute newer than the one before it.
  names.forEach((name, index) => {
    writeFileSync(join(dir, name), `line ${index}\n`);
    const time = new Date(Date.UTC(2026, 0, 1, 0, index));
    utimesSync(join(dir, name), time, time);
  });
  return dir;
}

describe("pruneLogFiles", () => {
  it("keeps the newest files by modification time and deletes the rest", () => {
    // Named so that the alphabetical order is not the age order.
    const dir = logDirWith(["c.log", "a.log", "d.log", "b.log"]);
    pruneLogFiles(dir, 2);
    expect(readdirSync(dir).sort()).toEqual(["b.log", "d.log"]);
  });

  it("leaves files that are not logs, and directories, alone", () => {
    const dir = logDirWith(["old.log", "new.log", "notes.txt"]);
    mkdirSync(join(dir, "nested"));
    pruneLogFiles(dir, 1);
    expect(readdirSync(dir).sort()).toEqual(["nested", "new.log", "notes.txt"]);
  });

  it("changes nothing with fewer files than it keeps, or without the directory", () => {
    const dir = logDirWith(["one.log"]);
    pruneLogFiles(dir, 10);
    expect(readdirSync(dir)).toEqual(["one.log"]);
    expect(() => pruneLogFiles(join(dir, "missing"), 10)).not.toThrow();
  });
});
