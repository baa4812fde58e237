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
 * counters (metrics, jobs over every workspace) as at-least deltas. A new test must keep to that.
 */
import { availableParallelism } from "node:os";

/** At least two files at once; more where the machine has the cores (vitest's own default, cores - 1). */
export const WORKER_FILES_AT_ONCE = Math.max(2, availableParallelism() - 1);

/**
 * vitest runs projects of one groupOrder in one pool, so they must agree on maxWorkers: the
 * worker projects run as a group of their own, after node and e2e (group 0), before the browser
 * (vitest.config.ts).
 */
export const WORKER_GROUP_ORDER = 1;
