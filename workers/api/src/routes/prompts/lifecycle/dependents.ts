/** Snippets: the prompts that include one (with the pinned snippet version), and their one-click republish. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { promptReference } from "../../../middleware/prompt-reference.ts";
import { errorResponses, jsonResponse } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { listDependents } from "../../../services/prompts/list-dependents.ts";
import { republishDependents } from "../../../services/prompts/republish-dependents.ts";
import { environmentSchema, promptIdParam } from "./schemas.ts";

const versionRef = z.object({ version_id: z.string(), version: z.number().int() });
const dependentSchema = z
  .object({
    prompt_id: z.string(),
    slug: z.string(),
    name: z.string(),
    environment: environmentSchema,
    version_id: z.string(),
    version: z.number().int(),
    deployment_id: z.string(),
    pinned: versionRef.openapi({ description: "The snippet version this environment of the dependent inlined" }),
    current: versionRef.nullable().openapi({ description: "The snippet version the same environment serves now" }),
    path: z.array(z.string()).openapi({ description: "Slugs from the dependent down to this snippet, e.g. [page, header, logo] when page includes header, which includes logo" }),
    changes: z
      .array(z.object({ path: z.array(z.string()).openapi({ description: "Slugs from the dependent down to the changed snippet" }), pinned: versionRef, current: versionRef.nullable() }))
      .openapi({ description: "This snippet, or snippets it brings in, whose inlined version the environment no longer serves" }),
    stale: z.boolean().openapi({ description: "True when the dependent inlined a version of this snippet, or of one it includes, that the environment no longer serves: republish to inline the new text" }),
  })
  .openapi("SnippetDependent");

const list = createRoute({
  method: "get",
  path: "/api/prompts/{promptId}/dependents",
  tags: ["publishing"],
  summary: "Prompts whose deployed versions include this prompt as a snippet, with the snippet version pinned",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read"), promptReference] as const,
  request: { params: promptIdParam },
  responses: {
    200: jsonResponse("Dependents, by slug and environment", z.object({ snippet: z.object({ id: z.string(), slug: z.string() }), dependents: z.array(dependentSchema) })),
    ...errorResponses("UNAUTHENTICATED", "NOT_FOUND"),
  },
});

const republish = createRoute({
  method: "post",
  path: "/api/prompts/{promptId}/dependents/republish",
  tags: ["publishing"],
  summary: "Deploy each stale dependent again with the snippet's current text (production may need an Admin's approval)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.publish"), promptReference] as const,
  request: {
    params: promptIdParam,
    body: { required: false, content: { "application/json": { schema: z.strictObject({ environment: environmentSchema.optional().openapi({ description: "Only dependents in this environment" }) }) } } },
  },
  responses: {
    200: jsonResponse(
      "What happened to each stale dependent",
      z.object({
        results: z.array(
          z.object({
            prompt_id: z.string(),
            slug: z.string(),
            environment: environmentSchema,
            status: z.enum(["deployed", "pending_approval", "failed"]),
            deployment_id: z.string().nullable(),
            approval_request_id: z.string().nullable(),
            message: z.string().nullable(),
          }),
        ),
        remaining: z.number().int().openapi({ description: "Stale dependents this call did not reach (at most 25 are republished per call): call again" }),
      }),
    ),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"),
  },
});

export const dependentsRoutes = new OpenAPIHono<ApiHono>()
  .openapi(list, async (c) => {
    const { snippet, dependents } = await listDependents({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, promptId: c.req.valid("param").promptId } });
    return c.json({ snippet, dependents }, 200);
  })
  .openapi(republish, async (c) => {
    const workspace = c.get("workspace")!;
    const body = (c.req.valid("json") as { environment?: "development" | "staging" | "production" } | undefined) ?? {};
    const input = { workspaceId: workspace.id, promptId: c.req.valid("param").promptId, actorUserId: c.get("user")!.id, actor: workspace, environment: body.environment };
    return c.json(await republishDependents({ ctx: c.get("ctx"), input }), 200);
  });
