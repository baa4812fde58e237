import { describe, expect, it } from "vitest";
import { unifiedDiff } from "./unified-diff.ts";

const labels = { from: "a", to: "b" };
const lines = (count: number) => Array.from({ length: count }, (_, index) => `line ${index + 1}`);

describe("unified diff", () => {
  it("is empty for equal texts", () => {
    expect(unifiedDiff("same\n", "same\n", labels)).toBe("");
  });

  it("shows a change with three lines of context and diff -u's hunk header", () => {
    const before = lines(10);
    const after = [...before];
    after[4] = "line five";
    expect(unifiedDiff(`${before.join("\n")}\n`, `${after.join("\n")}\n`, labels)).toBe(
      ["--- a", "+++ b", "@@ -2,7 +2,7 @@", " line 2", " line 3", " line 4", "-line 5", "+line five", " line 6", " line 7", " line 8", ""].join("\n"),
    );
  });

  it("splits distant changes into hunks and joins close ones", () => {
    const before = lines(30);
    const after = [...before];
    after[1] = "changed 2";
    after[25] = "changed 26";
    const far = unifiedDiff(before.join("\n"), after.join("\n"), labels);
    expect(far.match(/^@@/gm)).toEqual(["@@", "@@"]);
    expect(far).toContain("@@ -1,5 +1,5 @@");
    expect(far).toContain("@@ -23,7 +23,7 @@");
    const closeAfter = [...before];
    closeAfter[1] = "changed 2";
    closeAfter[6] = "changed 7";
    expect(unifiedDiff(before.join("\n"), closeAfter.join("\n"), labels).match(/^@@.*$/gm)).toEqual(["@@ -1,10 +1,10 @@"]);
  });

  it("diffs against an empty side", () => {
    expect(unifiedDiff("", "new\nfile\n", { from: "/dev/null", to: "b" })).toBe("--- /dev/null\n+++ b\n@@ -0,0 +1,2 @@\n+new\n+file\n");
    expect(unifiedDiff("old\n", "", { from: "a", to: "/dev/null" })).toBe("--- a\n+++ /dev/null\n@@ -1 +0,0 @@\n-old\n");
  });
});
