/**
 * The analytics statements whose cost grows with the workspace's data (funnels, experiment
 * results, cohorts) run under a statement time budget: Postgres cancels one that runs longer and
 * the caller gets 422 BUDGET_EXCEEDED saying what to narrow, instead of a connection held for
 * minutes and, in the end, a 500. The worker itself waits on the network meanwhile, so other
 * requests are not held; the budget protects the database and answers clearly.
 *
 * The large scans also get planner settings, applied with SET LOCAL in a one-batch transaction.
 * Measured over 400,000 exposures on Postgres 15: units are grouped by hashing (a sort on the
 * unit text costs twice as much), in memory; JIT compiles these statements' many expressions for
 * longer than they take to run; parallel workers read the exposures and their maps while this
 * backend groups the rows they pass on (the default cost of passing a row keeps the planner from
 * using them).
 */
import type { SQL } from "drizzle-orm";
import { sql } from "drizzle-orm";
import { ApiError, sqlStateOf } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

/** How long one analytics statement may run (the bench's funnel over 1.28 M events takes ~0.5 s). */
export const ANALYTICS_STATEMENT_BUDGET_MS = 20_000;
/** Postgres' SQLSTATE for a statement cancelled by statement_timeout. */
const QUERY_CANCELED = "57014";

export interface StatementBudget {
  /** Milliseconds; ANALYTICS_STATEMENT_BUDGET_MS unless a caller needs less. */
  budgetMs?: number;
  /** What the answer tells the caller to do instead, e.g. "narrow the date range or the steps". */
  hint: string;
}

export async function runLargeScan<T extends Record<string, unknown>>(ctx: ServiceContext, query: SQL, budget: StatementBudget): Promise<T[]> {
  const db = ctx.http();
  return withinStatementBudget(budget, async (timeout) => {
    const [, , , , , result] = await db.batch([
      db.execute(timeout),
      db.execute(sql`set local enable_sort = off`),
      db.execute(sql`set local work_mem = '64MB'`),
      db.execute(sql`set local jit = off`),
      db.execute(sql`set local parallel_tuple_cost = 0.001`),
      db.execute<T>(query),
    ]);
    return result.rows;
  });
}

/** One analytics statement under the budget, with the planner's defaults. */
export async function runBudgetedQuery<T extends Record<string, unknown>>(ctx: ServiceContext, query: SQL, budget: StatementBudget): Promise<T[]> {
  const db = ctx.http();
  return withinStatementBudget(budget, async (timeout) => {
    const [, result] = await db.batch([db.execute(timeout), db.execute<T>(query)]);
    return result.rows;
  });
}

async function withinStatementBudget<T>(budget: StatementBudget, run: (timeout: SQL) => Promise<T>): Promise<T> {
  const ms = Math.max(1, Math.floor(budget.budgetMs ?? ANALYTICS_STATEMENT_BUDGET_MS));
  try {
    // SET takes no bind parameters; ms is an integer we computed, never the caller's text.
    return await run(sql.raw(`set local statement_timeout = ${ms}`));
  } catch (error) {
    if (sqlStateOf(error) !== QUERY_CANCELED) throw error;
    throw new ApiError("BUDGET_EXCEEDED", `The query did not finish within its ${ms / 1000} s budget; ${budget.hint}`, { cause: error });
  }
}
