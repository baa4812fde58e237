import { describe, expect, it } from "vitest";
import * as z from "zod";
import { decodeCursor, pageOf } from "./cursor.ts";

describe("pageOf", () => {
  const rows = [{ id: "a" }, { id: "b" }, { id: "c" }];
  const cursorOf = (last: { id: string }) => ({ id: last.id });
  const idCursor = z.object({ id: z.string() });

  it("keeps the first `limit` rows and points after the last of them when the extra row shows more", () => {
    const { page, next_cursor } = pageOf(rows, 2, cursorOf);
    expect(page).toEqual([{ id: "a" }, { id: "b" }]);
    expect(decodeCursor(next_cursor!, idCursor)).toEqual({ id: "b" });
  });

  it("has no cursor on the last page, full or not, nor on an empty one", () => {
    expect(pageOf(rows, 3, cursorOf)).toEqual({ page: rows, next_cursor: null });
    expect(pageOf(rows.slice(0, 1), 3, cursorOf)).toEqual({ page: [{ id: "a" }], next_cursor: null });
    expect(pageOf([], 3, cursorOf)).toEqual({ page: [], next_cursor: null });
  });
});
