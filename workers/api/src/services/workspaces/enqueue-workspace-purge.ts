/**
 * Hands the removal of a deleted workspace's rows to QStash: one message to the purge job
 * (POST /api/jobs/purge-workspace), which QStash signs and retries. The job enqueues its own
 * continuation while rows remain. A failed publish is reported, not thrown: the workspace is
 * already deleted for everyone, and the scheduled aggregation job sweeps up a deleted workspace
 * whose rows remain (sweep-deleted-workspaces.ts).
 */
import { Client } from "@upstash/qstash";
import { log } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";

export const PURGE_JOB = {
  path: "/api/jobs/purge-workspace",
  /** Deliveries QStash retries after a failed run (a failed batch changed nothing). */
  retries: 5,
} as const;

/** True when QStash took the message; false when API_PUBLIC_URL is unset or QStash refused. */
export async function enqueueWorkspacePurge({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string } }): Promise<boolean> {
  const base = ctx.env.API_PUBLIC_URL;
  if (base === undefined) {
    log("warn", "workspace purge not queued: API_PUBLIC_URL is unset, so QStash cannot reach the job", { workspace_id: input.workspaceId });
    return false;
  }
  // devMode false: the configured URL and token always win over the SDK's QSTASH_DEV handling.
  const client = new Client({ baseUrl: ctx.env.QSTASH_URL, token: ctx.env.QSTASH_TOKEN, devMode: false, enableTelemetry: false, retry: { retries: 1 } });
  try {
    await client.publishJSON({ url: new URL(PURGE_JOB.path, base).href, body: { workspace_id: input.workspaceId }, retries: PURGE_JOB.retries });
    return true;
  } catch (error) {
    log("error", "workspace purge not queued: QStash refused the message", { workspace_id: input.workspaceId, error: error instanceof Error ? error.message : String(error) });
    return false;
  }
}
