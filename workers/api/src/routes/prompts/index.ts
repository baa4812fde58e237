/**
 * /api/prompts: prompts, their versions and diffs (P2, P3). Publishing, rollback and deployment
 * history live in ./lifecycle.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { archivePromptRoute } from "./archive-prompt.ts";
import { bulkUpdatePromptsRoute } from "./bulk-update-prompts.ts";
import { createPromptRoute } from "./create-prompt.ts";
import { getPromptRoute } from "./get-prompt.ts";
import { listPromptsRoute } from "./list-prompts.ts";
import { previewPromptRoute } from "./preview.ts";
import { updatePromptRoute } from "./update-prompt.ts";
import { createVersionRoute } from "./versions/create-version.ts";
import { deleteVersionRoute } from "./versions/delete-version.ts";
import { diffVersionsRoute } from "./versions/diff-versions.ts";
import { getVersionRoute } from "./versions/get-version.ts";
import { listVersionsRoute } from "./versions/list-versions.ts";
import { updateVersionRoute } from "./versions/update-version.ts";

export const promptRoutes = new OpenAPIHono<ApiHono>()
  .route("/", bulkUpdatePromptsRoute)
  .route("/", createPromptRoute)
  .route("/", listPromptsRoute)
  .route("/", getPromptRoute)
  .route("/", updatePromptRoute)
  .route("/", archivePromptRoute)
  .route("/", previewPromptRoute)
  .route("/", createVersionRoute)
  .route("/", listVersionsRoute)
  .route("/", getVersionRoute)
  .route("/", updateVersionRoute)
  .route("/", deleteVersionRoute)
  .route("/", diffVersionsRoute);
