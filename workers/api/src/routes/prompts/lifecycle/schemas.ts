/** Shapes of the publishing routes (P4). */
import { z } from "@hono/zod-openapi";
import { ENVIRONMENTS } from "@xr2/shared";

export const environmentSchema = z.enum(ENVIRONMENTS);
export const noteSchema = z.string().trim().max(500);
export { promptIdParam } from "../schemas.ts";

export const deploymentSchema = z
  .object({
    status: z.literal("deployed"),
    deployment_id: z.string(),
    environment: environmentSchema,
    action: z.enum(["publish", "promote", "rollback"]),
    from_version_id: z.string().nullable(),
    to_version_id: z.string(),
    version: z.number().int(),
  })
  .openapi("Deployment");

export const pendingApprovalSchema = z
  .object({ status: z.literal("pending_approval"), approval_request_id: z.string(), environment: z.string(), version_id: z.string() })
  .openapi("PendingApproval");

export const includePinSchema = z
  .object({ slug: z.string(), prompt_id: z.string(), version_id: z.string(), version: z.number().int() })
  .openapi("IncludePin", { description: "A snippet version a deployment inlined" });
