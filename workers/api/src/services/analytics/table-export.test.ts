import { describe, expect, it } from "vitest";
import { csvCell, csvLine, exportResponse, exportTable, keysetPages, requestedExportFormat, singlePage } from "./table-export.ts";

/** `count` numbered rows served by keyset pages of `pageSize`, recording every page fetched. */
function numbered(count: number, pageSize: number) {
  const fetched: Array<number | undefined> = [];
  const pages = keysetPages(
    async (after: number | undefined, limit) => {
      fetched.push(after);
      const start = after === undefined ? 0 : after + 1;
      return Array.from({ length: Math.max(0, Math.min(limit, count - start)) }, (_, index) => ({ n: start + index }));
    },
    (row) => row.n,
    pageSize,
  );
  return { fetched, table: exportTable("numbers", [{ name: "n", value: (row: { n: number }) => row.n }], pages) };
}

describe("csvCell", () => {
  it("quotes per RFC 4180 only where needed and doubles inner quotes", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rhere")).toBe('"cr\rhere"');
    expect(csvCell("")).toBe("");
    expect(csvCell(null)).toBe("");
  });

  it("defuses text a spreadsheet would run as a formula, but writes numbers as they are", () => {
    expect(csvCell("=SUM(A1:A2)")).toBe("'=SUM(A1:A2)");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-1")).toBe("'-1");
    expect(csvCell("@cmd")).toBe("'@cmd");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell("a=b")).toBe("a=b");
    expect(csvCell(-1.5)).toBe("-1.5");
    expect(csvCell(0)).toBe("0");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(true)).toBe("true");
    expect(csvCell({ note: "=x", n: 1 })).toBe('"{""note"":""=x"",""n"":1}"');
    expect(csvLine(["a", 1, null, "b,c"])).toBe('a,1,,"b,c"\r\n');
  });
});

describe("requestedExportFormat", () => {
  it("prefers the format parameter, else Accept: text/csv, else the ordinary JSON answer", () => {
    expect(requestedExportFormat("json", "text/csv")).toBe("json");
    expect(requestedExportFormat(undefined, "text/csv")).toBe("csv");
    expect(requestedExportFormat(undefined, "application/json, text/csv;q=0.5")).toBe("csv");
    expect(requestedExportFormat(undefined, "application/json")).toBeUndefined();
    expect(requestedExportFormat(undefined, "*/*")).toBeUndefined();
    expect(requestedExportFormat(undefined, undefined)).toBeUndefined();
  });
});

describe("exportResponse", () => {
  it("streams CSV page by page, reading the next page only when the client reads on", async () => {
    const { fetched, table } = numbered(7, 3);
    const response = await exportResponse(table, { format: "csv", fileName: "numbers", requestId: "test" });
    // The first page is read before the answer starts, nothing more.
    expect(fetched).toEqual([undefined]);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value);
    }
    expect(text).toBe("n\r\n0\r\n1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n");
    expect(fetched).toEqual([undefined, 2, 5]);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="numbers.csv"');
  });

  it("stops at the row cap and says whether rows were left out", async () => {
    const json = async (count: number, rowLimit: number, pageSize: number) => JSON.parse(await (await exportResponse(numbered(count, pageSize).table, { format: "json", fileName: "n", requestId: "test", rowLimit })).text());
    expect(await json(10, 4, 3)).toEqual({ rows: [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }], row_count: 4, row_limit: 4, truncated: true });
    // The cap falls on a page boundary: one more page tells.
    expect(await json(6, 6, 3)).toMatchObject({ row_count: 6, truncated: false });
    expect(await json(7, 6, 3)).toMatchObject({ row_count: 6, truncated: true });
    expect(await json(0, 6, 3)).toEqual({ rows: [], row_count: 0, row_limit: 6, truncated: false });
    const csv = await (await exportResponse(numbered(10, 3).table, { format: "csv", fileName: "n", requestId: "test", rowLimit: 4 })).text();
    expect(csv).toBe("n\r\n0\r\n1\r\n2\r\n3\r\n");
  });

  it("refuses before streaming when the first page fails, and ends the stream with an error when a later one does", async () => {
    const failing = exportTable("broken", [{ name: "n", value: (row: number) => row }], singlePage<number>(() => Promise.reject(new Error("first page"))));
    await expect(exportResponse(failing, { format: "csv", fileName: "n", requestId: "test" })).rejects.toThrow("first page");

    let calls = 0;
    const later = exportTable(
      "broken",
      [{ name: "n", value: (row: number) => row }],
      keysetPages(
        async () => {
          calls++;
          if (calls > 1) throw new Error("second page");
          return [1, 2];
        },
        (row) => row,
        2,
      ),
    );
    const response = await exportResponse(later, { format: "csv", fileName: "n", requestId: "test" });
    await expect(response.text()).rejects.toThrow("second page");
  });
});
