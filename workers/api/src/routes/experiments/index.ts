/** /api/experiments: A/B experiments between versions of a prompt (A6); results are under /api/analytics. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { createExperimentRoute } from "./create-experiment.ts";
import { deleteExperimentRoute } from "./delete-experiment.ts";
import { getExperimentRoute } from "./get-experiment.ts";
import { listExperimentsRoute } from "./list-experiments.ts";
import { startExperimentRoute } from "./start-experiment.ts";
import { stopExperimentRoute } from "./stop-experiment.ts";
import { updateExperimentRoute } from "./update-experiment.ts";

export const experimentRoutes = new OpenAPIHono<ApiHono>()
  .route("/", listExperimentsRoute)
  .route("/", createExperimentRoute)
  .route("/", getExperimentRoute)
  .route("/", updateExperimentRoute)
  .route("/", deleteExperimentRoute)
  .route("/", startExperimentRoute)
  .route("/", stopExperimentRoute);
