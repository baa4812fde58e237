import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { diffLines, diffMessages } from "./diff-versions.ts";
import { diffSequences, type DiffStep } from "./sequence-diff.ts";

/** Rebuilds both sides from an edit script: what every correct script must allow. */
function sides(steps: DiffStep[], a: string[], b: string[]) {
  const before: string[] = [];
  const after: string[] = [];
  for (const step of steps) {
    if (step.op !== "insert") before.push(a[step.a!]!);
    if (step.op !== "delete") after.push(b[step.b!]!);
    if (step.op === "equal") expect(a[step.a!]).toBe(b[step.b!]);
  }
  return { before, after };
}

function lcsLength(a: string[], b: string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j]!, row[j - 1]!);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

describe("diffSequences", () => {
  it("finds the shortest edit script", () => {
    expect(diffSequences(["a", "b", "c"], ["a", "x", "c"])).toEqual([
      { op: "equal", a: 0, b: 0 },
      { op: "delete", a: 1 },
      { op: "insert", b: 1 },
      { op: "equal", a: 2, b: 2 },
    ]);
    expect(diffSequences([], ["a"])).toEqual([{ op: "insert", b: 0 }]);
    expect(diffSequences(["a"], [])).toEqual([{ op: "delete", a: 0 }]);
    expect(diffSequences([], [])).toEqual([]);
  });

  it("rebuilds both sides and keeps a longest common subsequence (property)", () => {
    const line = fc.constantFrom("a", "b", "c", "d", "");
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.array(line, { maxLength: 40 }), (a, b) => {
        const steps = diffSequences(a, b);
        expect(sides(steps, a, b)).toEqual({ before: a, after: b });
        expect(steps.filter((step) => step.op === "equal")).toHaveLength(lcsLength(a, b));
      }),
      { numRuns: 300 },
    );
  });

  it("stays correct, if coarse, on inputs too different to diff within its bounds", () => {
    const a = Array.from({ length: 30_000 }, (_, i) => `old ${i}`);
    const b = Array.from({ length: 30_000 }, (_, i) => `new ${i}`);
    const steps = diffSequences(["same", ...a, "end"], ["same", ...b, "end"]);
    expect(sides(steps, ["same", ...a, "end"], ["same", ...b, "end"])).toEqual({ before: ["same", ...a, "end"], after: ["same", ...b, "end"] });
    expect(steps[0]).toEqual({ op: "equal", a: 0, b: 0 });
    expect(steps.at(-1)).toEqual({ op: "equal", a: 30_001, b: 30_001 });
  });
});

describe("diffLines and diffMessages", () => {
  it("diffs text line by line", () => {
    expect(diffLines("Hello {name}\nBye", "Hello {name}!\nBye")).toEqual([
      { op: "delete", text: "Hello {name}" },
      { op: "insert", text: "Hello {name}!" },
      { op: "equal", text: "Bye" },
    ]);
    expect(diffLines("", "one")).toEqual([{ op: "insert", text: "one" }]);
  });

  it("matches whole messages and shows an edited one as a line diff", () => {
    const diff = diffMessages(
      [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi {name}" },
      ],
      [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello {name}" },
        { role: "assistant", content: "Sure" },
      ],
    );
    expect(diff).toEqual([
      { op: "equal", from_index: 0, to_index: 0, from_role: "system", to_role: "system", lines: [{ op: "equal", text: "Be brief." }] },
      { op: "change", from_index: 1, to_index: 1, from_role: "user", to_role: "user", lines: [{ op: "delete", text: "Hi {name}" }, { op: "insert", text: "Hello {name}" }] },
      { op: "insert", from_index: null, to_index: 2, from_role: null, to_role: "assistant", lines: [{ op: "insert", text: "Sure" }] },
    ]);
  });
});
