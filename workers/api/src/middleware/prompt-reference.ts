/**
 * Lets every /api/prompts/{promptId}/… route take the prompt's slug for `{promptId}` and a version
 * number for `{versionId}`, so clients that know prompts by name (the xr2 CLI, CI scripts) need
 * no lookup call first. Runs after `workspaceAccess`: a slug is resolved within the caller's
 * workspace only, whatever the prompt's status (slugs are unique per workspace, archived prompts
 * included, and GET /api/prompts/{promptId} shows archived ones too). The route then sees the ids,
 * exactly as if the caller had sent them: its validators and services are unchanged. A reference
 * that names nothing is passed on as it is, for the route's service to answer its usual 404.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "@xr2/shared";
import type { ApiHono } from "../app.ts";
import { findPromptId, findVersionId } from "../services/prompts/find-by-reference.ts";

/** A version number in the path: digits only (version ids start with "pv_"). */
const VERSION_NUMBER = /^[1-9][0-9]{0,8}$/;
/** The longest slug (ids are shorter). */
const MAX_REFERENCE_LENGTH = 128;

export const promptReference = createMiddleware<ApiHono>(async (c, next) => {
  const workspace = c.get("workspace");
  if (!workspace) throw new ApiError("INTERNAL", "promptReference needs workspaceAccess before it");
  const reference = c.req.param("promptId");
  if (reference === undefined) throw new ApiError("INTERNAL", "promptReference is for routes with a {promptId} parameter");
  // Longer than any id or slug: left to the route's validation (400) without a query.
  if (reference.length > MAX_REFERENCE_LENGTH) return next();
  const db = c.get("ctx").http();
  const promptId = (await findPromptId(db, workspace.id, reference)) ?? reference;
  const resolved: Record<string, string> = { promptId };

  const versionReference = c.req.param("versionId");
  if (versionReference !== undefined && VERSION_NUMBER.test(versionReference)) {
    const versionId = await findVersionId(db, workspace.id, promptId, { number: Number(versionReference) });
    if (versionId) resolved.versionId = versionId;
  }

  // The validators read the path parameters through c.req.param(); Hono keeps the matched values
  // private, so this request's reader is replaced by one that answers the resolved ids.
  const read = c.req.param.bind(c.req) as (key?: string) => unknown;
  c.req.param = ((key?: string) => (key === undefined ? { ...(read() as Record<string, string>), ...resolved } : (resolved[key] ?? read(key)))) as typeof c.req.param;
  await next();
});
