import { afterEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { testContext } from "../../testing/fixtures.ts";
import { runBudgetedQuery, runLargeScan } from "./large-scan.ts";

let ctx: ServiceContext;
afterEach(async () => {
  await ctx?.dispose();
});

/** PGlite, the default test database, runs in one wasm thread with no timer to cancel a statement. */
async function cancelsStatements(context: ServiceContext): Promise<boolean> {
  const [row] = await runBudgetedQuery<{ version: string }>(context, sql`select version() as version`, { hint: "unused" });
  return !row!.version.includes("PGlite");
}

describe("analytics statements under a time budget", () => {
  it("answer their rows, with and without the large-scan planner settings", async () => {
    ctx = testContext();
    expect(await runBudgetedQuery(ctx, sql`select 1 + 1 as two`, { hint: "unused" })).toEqual([{ two: 2 }]);
    expect(await runLargeScan(ctx, sql`select current_setting('enable_sort') as sort, current_setting('statement_timeout') as timeout`, { budgetMs: 1500, hint: "unused" })).toEqual([{ sort: "off", timeout: "1500ms" }]);
  });

  it("are cancelled past the budget with 422 BUDGET_EXCEEDED saying what to narrow", async (test) => {
    ctx = testContext();
    if (!(await cancelsStatements(ctx))) test.skip("PGlite cannot cancel a running statement; runs against the machine's Postgres (TEST_DATABASE_URL)");
    for (const run of [runBudgetedQuery, runLargeScan]) {
      const error = await run(ctx, sql`select pg_sleep(5)`, { budgetMs: 200, hint: "narrow the date range" }).then(() => null, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: "BUDGET_EXCEEDED", status: 422, message: "The query did not finish within its 0.2 s budget; narrow the date range" });
    }
  });
});
