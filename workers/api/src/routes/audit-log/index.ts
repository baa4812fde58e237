/** /api/audit-log: the workspace's record of every change (S3). */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiHono } from "../../app.ts";
import { listAuditLogRoute } from "./list-audit-log.ts";

export const auditLogRoutes = new OpenAPIHono<ApiHono>().route("/", listAuditLogRoute);
