/** /api/tags: the workspace's coloured prompt tags (P2). */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { createTagRoute } from "./create-tag.ts";
import { deleteTagRoute } from "./delete-tag.ts";
import { listTagsRoute } from "./list-tags.ts";
import { updateTagRoute } from "./update-tag.ts";

export const tagRoutes = new OpenAPIHono<ApiHono>().route("/", listTagsRoute).route("/", createTagRoute).route("/", updateTagRoute).route("/", deleteTagRoute);
