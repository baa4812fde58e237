import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { authenticate } from "../../middleware/authenticate.ts";
import { workspaceAccess } from "../../middleware/workspace-access.ts";
import { errorResponses, jsonBody, jsonResponse } from "../../openapi/responses.ts";
import { requirePermission } from "../../permissions.ts";
import { createExperiment } from "../../services/experiments/create-experiment.ts";
import { environmentSchema, experimentDescriptionSchema, experimentNameSchema, experimentSchema, primaryEventSchema, variantsInputSchema } from "./schemas.ts";

const route = createRoute({
  method: "post",
  path: "/api/experiments",
  tags: ["experiments"],
  summary: "Create a draft A/B experiment between versions of a prompt in one environment",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("experiments.manage")] as const,
  request: {
    body: jsonBody(
      z.strictObject({
        prompt_id: z.string().min(1).max(64),
        environment: environmentSchema.default("production"),
        name: experimentNameSchema,
        description: experimentDescriptionSchema.optional(),
        variants: variantsInputSchema,
        primary_event: primaryEventSchema,
      }),
    ),
  },
  responses: { 201: jsonResponse("The new experiment, in draft", experimentSchema), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
});

export const createExperimentRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const experiment = await createExperiment({
    ctx: c.get("ctx"),
    input: {
      workspaceId: c.get("workspace")!.id,
      actorUserId: c.get("user")!.id,
      promptId: body.prompt_id,
      environment: body.environment,
      name: body.name,
      description: body.description,
      primaryEvent: body.primary_event,
      variants: body.variants,
    },
  });
  return c.json(experiment, 201);
});
