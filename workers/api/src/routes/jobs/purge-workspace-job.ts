/**
 * POST /api/jobs/purge-workspace: the QStash target that removes a deleted workspace's rows
 * (services/workspaces/purge-workspace.ts), queued by the deletion. Each delivery does a bounded
 * amount of work; while rows remain it queues the next delivery before answering. A failed run
 * answers 5xx and QStash retries it; a repeated delivery deletes nothing twice. Like the
 * aggregation job, not in the OpenAPI document, which describes the API for clients.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../../app.ts";
import { verifyQStashSignature } from "../../middleware/verify-qstash-signature.ts";
import { enqueueWorkspacePurge, PURGE_JOB } from "../../services/workspaces/enqueue-workspace-purge.ts";
import { purgeWorkspace } from "../../services/workspaces/purge-workspace.ts";

const bodySchema = z.strictObject({ workspace_id: z.string().min(1).max(64) });

export const purgeWorkspaceJobRoute = new OpenAPIHono<ApiHono>().post(PURGE_JOB.path, verifyQStashSignature, async (c) => {
  const parsed = bodySchema.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) throw new ApiError("VALIDATION_FAILED", "Send {\"workspace_id\": \"ws_…\"}", { details: parsed.error.issues });
  const ctx = c.get("ctx");
  const report = await purgeWorkspace({ ctx, input: { workspaceId: parsed.data.workspace_id } });
  const continued = report.more ? await enqueueWorkspacePurge({ ctx, input: { workspaceId: report.workspace_id } }) : false;
  // A continuation QStash did not take: answer 503 so that QStash redelivers this message instead.
  if (report.more && !continued) throw new ApiError("DEPENDENCY_UNAVAILABLE", "Rows remain and the next run could not be queued; retry");
  return c.json(report, 200);
});
