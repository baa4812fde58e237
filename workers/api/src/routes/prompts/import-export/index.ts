/**
 * Import, export and copy of prompts (P6). Mounted before the prompt routes, so that
 * /api/prompts/export is not taken for the prompt "export" by GET /api/prompts/{promptId}.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { copyPromptRoute } from "./copy-prompt.ts";
import { exportPromptsRoute } from "./export-prompts.ts";
import { importPromptsRoute } from "./import-prompts.ts";

export const importExportRoutes = new OpenAPIHono<ApiHono>().route("/", exportPromptsRoute).route("/", importPromptsRoute).route("/", copyPromptRoute);
