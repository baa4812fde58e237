/**
 * Myers' O((N+M)·D) difference algorithm over sequences of strings (lines of a prompt, or chat
 * messages keyed by role and content). Common prefix and suffix are stripped first, because two
 * versions of a prompt usually differ in a few lines. Work is bounded: texts can hold 100 000
 * lines, and a worker has little CPU to spend, so past MAX_EDIT_DISTANCE edits or MAX_WORK
 * comparisons the differing middle is reported as "all deleted, then all inserted". That script
 * is still correct (applying it turns one side into the other), only not minimal.
 */

export type DiffOp = "equal" | "insert" | "delete";

/** One step of an edit script: `a`/`b` are indexes into the old/new sequence (absent for insert/delete). */
export interface DiffStep {
  op: DiffOp;
  a?: number;
  b?: number;
}

export const MAX_EDIT_DISTANCE = 1_000;
/** Diagonal steps plus comparisons, summed over all rounds. */
const MAX_WORK = 5_000_000;

export function diffSequences(before: readonly string[], after: readonly string[]): DiffStep[] {
  // Interned as integers: one Map lookup per item instead of string comparisons in the hot loop.
  const ids = new Map<string, number>();
  const intern = (items: readonly string[]) =>
    Int32Array.from(items, (item) => {
      let id = ids.get(item);
      if (id === undefined) ids.set(item, (id = ids.size));
      return id;
    });
  const a = intern(before);
  const b = intern(after);

  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }

  const steps: DiffStep[] = [];
  for (let i = 0; i < start; i++) steps.push({ op: "equal", a: i, b: i });
  const middle = myers(a.subarray(start, endA), b.subarray(start, endB));
  if (middle) {
    for (const step of middle) steps.push({ op: step.op, ...(step.a === undefined ? {} : { a: step.a + start }), ...(step.b === undefined ? {} : { b: step.b + start }) });
  } else {
    for (let i = start; i < endA; i++) steps.push({ op: "delete", a: i });
    for (let j = start; j < endB; j++) steps.push({ op: "insert", b: j });
  }
  for (let i = endA, j = endB; i < a.length; i++, j++) steps.push({ op: "equal", a: i, b: j });
  return steps;
}

/** The shortest edit script from `a` to `b`, or null when it would cost more than the bounds allow. */
function myers(a: Int32Array, b: Int32Array): DiffStep[] | null {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return [...Array.from({ length: n }, (_, i): DiffStep => ({ op: "delete", a: i })), ...Array.from({ length: m }, (_, j): DiffStep => ({ op: "insert", b: j }))];
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  // v[k + offset]: the furthest x reached on diagonal k = x - y.
  const v = new Int32Array(2 * max + 3);
  // trace[d] holds v for diagonals -(d+1)..(d+1) as it was before round d.
  const trace: Int32Array[] = [];
  let work = 0;
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      const start = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let x = start;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      work += x - start + 1;
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, n, m);
    }
    if (work > MAX_WORK) return null;
  }
  return null;
}

function backtrack(trace: Int32Array[], n: number, m: number): DiffStep[] {
  const reversed: DiffStep[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const saved = trace[d]!;
    const at = (k: number) => saved[k + d + 1]!;
    const k = x - y;
    const previousK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const previousX = at(previousK);
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      x--;
      y--;
      reversed.push({ op: "equal", a: x, b: y });
    }
    if (d > 0) {
      if (x === previousX) reversed.push({ op: "insert", b: previousY });
      else reversed.push({ op: "delete", a: previousX });
    }
    x = previousX;
    y = previousY;
  }
  return reversed.reverse();
}
