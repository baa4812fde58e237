/** /api/event-definitions: which events a workspace expects, with typed fields (E4). */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { createEventDefinitionRoute } from "./create-event-definition.ts";
import { deleteEventDefinitionRoute } from "./delete-event-definition.ts";
import { getEventDefinitionRoute } from "./get-event-definition.ts";
import { listEventDefinitionsRoute } from "./list-event-definitions.ts";
import { updateEventDefinitionRoute } from "./update-event-definition.ts";

export const eventDefinitionRoutes = new OpenAPIHono<ApiHono>()
  .route("/", listEventDefinitionsRoute)
  .route("/", createEventDefinitionRoute)
  .route("/", getEventDefinitionRoute)
  .route("/", updateEventDefinitionRoute)
  .route("/", deleteEventDefinitionRoute);
