import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { updateExperiment } from "../../services/experiments/update-experiment.ts";
import { environmentSchema, experimentDescriptionSchema, experimentIdParam, experimentNameSchema, experimentSchema, primaryEventSchema, variantsInputSchema } from "./schemas.ts";

const route = createRoute({
  method: "patch",
  path: "/api/experiments/{experimentId}",
  tags: ["experiments"],
  summary: "Edit a draft experiment (variants are replaced as a whole)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("experiments.manage")] as const,
  request: {
    params: experimentIdParam,
    body: jsonBody(
      z
        .strictObject({
          name: experimentNameSchema.optional(),
          description: experimentDescriptionSchema.nullable().optional(),
          environment: environmentSchema.optional(),
          variants: variantsInputSchema.optional(),
          primary_event: primaryEventSchema.optional(),
        })
        .refine((body) => Object.values(body).some((value) => value !== undefined), "send at least one field to change"),
    ),
  },
  responses: { 200: jsonResponse("The updated experiment", experimentSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const updateExperimentRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const experiment = await updateExperiment({
    ctx: c.get("ctx"),
    input: {
      workspaceId: c.get("workspace")!.id,
      actorUserId: c.get("user")!.id,
      experimentId: c.req.valid("param").experimentId,
      name: body.name,
      description: body.description,
      environment: body.environment,
      primaryEvent: body.primary_event,
      variants: body.variants,
    },
  });
  return c.json(experiment, 200);
});
