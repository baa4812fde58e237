/**
 * How the two worker test projects (api, edge) schedule their files. Each file runs in a fresh
 * workerd that imports its module graph from vitest's main process, so one file keeps about one
 * core busy, split between the two processes (workerd about 75 %, vitest about 30 % on a
 * two-core machine): with vitest's default of one file at a time there (cores - 1), the other core
 * idled. Two at a time took the API project from 13 min 20 s to 6 min and the edge project from
 * 119 s to 68 s there, all tests passing, on PostgreSQL/Redis and on the embedded defaults.
 *
 * Files of these projects share the database, Redis, QStash and the mail inbox of the run (the
 * global setup's), as they did one after another: each test works in workspaces, accounts,
 * client IPs and ids of its own (testing/http.ts: uniqueEmail, uniqueIp), and reads shared
 * counters (metrics) as at-least deltas. A new test must keep to that, or join API_FILES_ALONE.
 */
import { availableParallelism } from "node:os";

/** At least two files at once; more where the machine has the cores (vitest's own default, cores - 1). */
export const WORKER_FILES_AT_ONCE = Math.max(2, availableParallelism() - 1);

/**
 * vitest runs projects of one groupOrder in one pool, so they must agree on maxWorkers: the
 * worker projects run as a group of their own, after node and e2e (group 0), then the API files
 * below alone, then the browser (vitest.config.ts).
 */
export const WORKER_GROUP_ORDER = 1;
export const ALONE_GROUP_ORDER = 2;

/**
 * API test files that run, one at a time, in a group after every other worker file (the
 * `api-sweeps` project), because they run the jobs that sweep every workspace or check what those
 * jobs must not yet have done, which another file running beside them would break:
 * - the aggregation job (QStash's POST /api/jobs/aggregate, the admin's run over every workspace)
 *   aggregates every workspace's pending hours, runs overdue scheduled publishes, purges a deleted
 *   workspace and dispatches the webhook outbox: delete-workspace counts a workspace's pending
 *   hours, aggregation checks another workspace still has no stats, scheduled-deployments counts
 *   the overdue publishes its sweep ran;
 * - any request that records a webhook event dispatches the whole outbox: webhooks checks that an
 *   event recorded outside a request waits for the sweep.
 * Paths relative to workers/api.
 */
export const API_FILES_ALONE = [
  "src/routes/jobs/aggregation.test.ts",
  "src/services/alerts/evaluate-alerts.test.ts",
  "src/routes/admin/workspaces.test.ts",
  "src/routes/webhooks/webhooks.test.ts",
  "src/routes/workspaces/delete-workspace.test.ts",
  "src/routes/prompts/lifecycle/scheduled-deployments.test.ts",
];
