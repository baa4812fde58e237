import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiHono } from "../../../app.ts";
import { authenticate } from "../../../middleware/authenticate.ts";
import { workspaceAccess } from "../../../middleware/workspace-access.ts";
import { promptReference } from "../../../middleware/prompt-reference.ts";
import { errorResponses, jsonResponse } from "../../../openapi/responses.ts";
import { requirePermission } from "../../../permissions.ts";
import { diffVersions } from "../../../services/versions/diff-versions.ts";
import { promptIdParam } from "../schemas.ts";

const op = z.enum(["equal", "insert", "delete"]);
const line = z.object({ op, text: z.string() });
const versionRef = z.object({ id: z.string(), version_number: z.number().int(), kind: z.enum(["text", "chat"]) });
const includeUse = z.object({
  slug: z.string(),
  pinned: z.array(z.object({ environment: z.enum(["development", "staging", "production"]), version_id: z.string(), version: z.number().int() })),
});
const role = z.enum(["system", "user", "assistant"]).nullable();

const diffSchema = z
  .object({
    from: versionRef.nullable().openapi({ description: "null when `to` is the first version" }),
    to: versionRef,
    content: z.array(line).openapi({ description: "Line diff of the text (empty lines of a chat prompt's side count as no text)" }),
    messages: z.array(
      z.object({ op: z.enum(["equal", "insert", "delete", "change"]), from_index: z.number().int().nullable(), to_index: z.number().int().nullable(), from_role: role, to_role: role, lines: z.array(line) }),
    ),
    variables: z.object({
      added: z.array(z.record(z.string(), z.unknown())),
      removed: z.array(z.record(z.string(), z.unknown())),
      changed: z.array(z.object({ name: z.string(), from: z.record(z.string(), z.unknown()), to: z.record(z.string(), z.unknown()) })),
    }),
    model_config: z.object({
      added: z.record(z.string(), z.unknown()),
      removed: z.record(z.string(), z.unknown()),
      changed: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
    }),
    includes: z
      .object({ from: z.array(includeUse), to: z.array(includeUse) })
      .openapi({ description: "Snippets ({% include %}) each version includes, with the snippet version pinned in each environment that serves it" }),
  })
  .openapi("VersionDiff");

const route = createRoute({
  method: "get",
  path: "/api/prompts/{promptId}/diff",
  tags: ["versions"],
  summary: "What changed between two versions (default `from`: the version before `to`)",
  security: [{ bearer: [] }],
  middleware: [authenticate, workspaceAccess, requirePermission("prompts.read"), promptReference] as const,
  request: { params: promptIdParam, query: z.object({ from: z.string().max(64).optional(), to: z.string().max(64) }) },
  responses: { 200: jsonResponse("The diff", diffSchema), ...errorResponses("UNAUTHENTICATED", "NOT_FOUND") },
});

export const diffVersionsRoute = new OpenAPIHono<ApiHono>().openapi(route, async (c) => {
  const { from, to } = c.req.valid("query");
  return c.json(await diffVersions({ ctx: c.get("ctx"), input: { workspaceId: c.get("workspace")!.id, promptId: c.req.valid("param").promptId, toVersionId: to, fromVersionId: from } }), 200);
});
