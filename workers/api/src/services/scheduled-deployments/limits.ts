/** Bounds of scheduled publishing (issue #18). */
export const SCHEDULE_LIMITS = {
  /** Schedules waiting to run (status "scheduled") per workspace. */
  pendingPerWorkspace: 100,
  /** How far ahead a schedule may run: one year (QStash's longest delay on paid plans). */
  maxAheadMs: 365 * 24 * 60 * 60 * 1_000,
  /** Ran, failed and cancelled schedules the list shows next to the pending ones. */
  recentListed: 20,
} as const;
