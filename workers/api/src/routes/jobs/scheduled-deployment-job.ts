/**
 * POST /api/jobs/scheduled-deployment: the QStash target of a scheduled publish or rollback,
 * delivered at its time (services/scheduled-deployments). It runs the schedule once: a repeated
 * delivery, or one for a cancelled schedule, answers 200 and changes nothing. A run the services
 * refuse marks the schedule failed and answers 200 (retrying cannot help); an unexpected failure
 * answers 5xx and QStash retries. Not in the OpenAPI document, which describes the API for clients.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../../app.ts";
import { verifyQStashSignature } from "../../middleware/verify-qstash-signature.ts";
import { SCHEDULED_DEPLOYMENT_JOB } from "../../services/scheduled-deployments/enqueue-scheduled-deployment.ts";
import { runScheduledDeployment } from "../../services/scheduled-deployments/run-scheduled-deployment.ts";

const bodySchema = z.strictObject({ schedule_id: z.string().min(1).max(64) });

export const scheduledDeploymentJobRoute = new OpenAPIHono<ApiHono>().post(SCHEDULED_DEPLOYMENT_JOB.path, verifyQStashSignature, async (c) => {
  const parsed = bodySchema.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) throw new ApiError("VALIDATION_FAILED", "Send {\"schedule_id\": \"sdep_…\"}", { details: parsed.error.issues });
  return c.json(await runScheduledDeployment({ ctx: c.get("ctx"), input: { scheduleId: parsed.data.schedule_id } }), 200);
});
