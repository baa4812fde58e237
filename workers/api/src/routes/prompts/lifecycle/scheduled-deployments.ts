/**
 * Scheduled publishing (issue #18): publish or roll back a version to an environment at a given
 * time; list a prompt's schedules; cancel one until it runs. The run itself is the QStash job
 * (routes/jobs/scheduled-deployment-job.ts → services/scheduled-deployments/run-scheduled-deployment.ts).
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { promptReference } from "../../../middleware/prompt-reference.ts";
import { errorResponses, explainedErrorResponse, jsonBody, jsonResponse } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { cancelScheduledDeployment } from "../../../services/scheduled-deployments/cancel-scheduled-deployment.ts";
import { SCHEDULE_LIMITS } from "../../../services/scheduled-deployments/limits.ts";
import { listScheduledDeployments } from "../../../services/scheduled-deployments/list-scheduled-deployments.ts";
import { scheduleDeployment } from "../../../services/scheduled-deployments/schedule-deployment.ts";
import { environmentSchema, noteSchema, promptIdParam } from "./schemas.ts";

const APPROVAL_RULE =
  "The schedule runs as the member who created it, with their role at the time it runs. When the workspace requires an Admin's approval for production and that member may not approve, " +
  "a scheduled publish to production becomes an approval request at its time (status `awaiting_approval`, the request in `outcome.approval_request_id`); an Admin's approval then deploys it. " +
  "A scheduled rollback needs no approval, like a rollback by hand. A member who may no longer publish when it runs makes it `failed`, with the reason in `error`.";

const scheduleStatusSchema = z.enum(["scheduled", "done", "cancelled", "failed", "awaiting_approval"]);

export const scheduledDeploymentSchema = z
  .object({
    id: z.string(),
    prompt_id: z.string(),
    action: z.enum(["publish", "rollback"]),
    environment: environmentSchema,
    version_id: z.string().nullable().openapi({ description: "The version to publish or roll back to; null for a rollback to what served before" }),
    version: z.number().int().nullable(),
    run_at: z.string(),
    status: scheduleStatusSchema,
    note: z.string().nullable(),
    created_by_id: z.string().nullable(),
    created_by_name: z.string().nullable(),
    outcome: z
      .union([z.object({ deployment_id: z.string(), to_version_id: z.string(), version: z.number().int() }), z.object({ approval_request_id: z.string() })])
      .nullable()
      .openapi({ description: "Once run: the deployment made, or the approval request made (awaiting_approval)" }),
    approval_status: z.enum(["pending", "approved", "rejected", "cancelled"]).nullable().openapi({ description: "For awaiting_approval: the approval request's state now" }),
    error: z.string().nullable().openapi({ description: "For failed: why it could not deploy" }),
    ran_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("ScheduledDeployment");

const scheduleBody = z
  .strictObject({
    action: z.enum(["publish", "rollback"], { error: "action must be \"publish\" or \"rollback\"" }),
    environment: environmentSchema,
    version_id: z.string().min(1).max(64).optional().openapi({ description: "Required for publish; for rollback, the earlier version to return to (default: what served before, at run time)" }),
    run_at: z.iso.datetime({ offset: true, error: "run_at must be an ISO 8601 date-time with a time zone, e.g. 2026-12-24T09:00:00Z" }).openapi({ description: "When to run: in the future, at most a year ahead" }),
    note: noteSchema.optional(),
  })
  .refine((body) => body.action !== "publish" || body.version_id !== undefined, { path: ["version_id"], message: "version_id is required to schedule a publish" });

const scheduleParam = promptIdParam.extend({ scheduleId: z.string().max(64).openapi({ param: { name: "scheduleId", in: "path" } }) });

const create = createRoute({
  method: "post",
  path: "/api/prompts/{promptId}/scheduled-deployments",
  tags: ["publishing"],
  summary: "Schedule a publish or rollback of an environment at a given time",
  description: `Queues a delayed job that deploys at \`run_at\` (whole seconds, never earlier). At most ${SCHEDULE_LIMITS.pendingPerWorkspace} pending schedules per workspace. ${APPROVAL_RULE}`,
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.publish"), promptReference] as const,
  request: { params: promptIdParam, body: jsonBody(scheduleBody) },
  responses: {
    201: jsonResponse("Scheduled", scheduledDeploymentSchema),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT"),
    ...explainedErrorResponse("DEPENDENCY_UNAVAILABLE", "the job could not be queued (QStash unreachable or API_PUBLIC_URL unset); nothing was scheduled"),
  },
});

const list = createRoute({
  method: "get",
  path: "/api/prompts/{promptId}/scheduled-deployments",
  tags: ["publishing"],
  summary: "A prompt's pending scheduled deployments (soonest first) and the latest that ran or were cancelled",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read"), promptReference] as const,
  request: { params: promptIdParam },
  responses: {
    200: jsonResponse("Scheduled deployments", z.object({ pending: z.array(scheduledDeploymentSchema), recent: z.array(scheduledDeploymentSchema).openapi({ description: `The ${SCHEDULE_LIMITS.recentListed} latest done, awaiting_approval, failed or cancelled` }) })),
    ...errorResponses("UNAUTHENTICATED", "NOT_FOUND"),
  },
});

const cancel = createRoute({
  method: "delete",
  path: "/api/prompts/{promptId}/scheduled-deployments/{scheduleId}",
  tags: ["publishing"],
  summary: "Cancel a scheduled deployment that has not run (409 once it ran)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.publish"), promptReference] as const,
  request: { params: scheduleParam },
  responses: { 200: jsonResponse("Cancelled", scheduledDeploymentSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const scheduledDeploymentRoutes = new OpenAPIHono<ApiHono>()
  .openapi(create, async (c) => {
    const body = c.req.valid("json");
    const workspace = c.get("workspace")!;
    const schedule = await scheduleDeployment({
      ctx: c.get("ctx"),
      input: {
        workspaceId: workspace.id,
        promptId: c.req.valid("param").promptId,
        versionId: body.version_id,
        environment: body.environment,
        action: body.action,
        runAt: new Date(body.run_at),
        note: body.note,
        actorUserId: c.get("user")!.id,
        actorScopes: workspace.scopes,
      },
    });
    return c.json(schedule, 201);
  })
  .openapi(list, async (c) => c.json(await listScheduledDeployments({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, promptId: c.req.valid("param").promptId } }), 200))
  .openapi(cancel, async (c) => {
    const params = c.req.valid("param");
    const schedule = await cancelScheduledDeployment({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, promptId: params.promptId, scheduleId: params.scheduleId, actorUserId: c.get("user")!.id } });
    return c.json(schedule, 200);
  });
