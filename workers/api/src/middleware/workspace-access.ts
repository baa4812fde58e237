/**
 * The workspace a call acts in: the `{workspaceId}` path parameter, else the `X-Workspace-Id`
 * header or a `workspace_id` field, in the query string or at the top level of a JSON object
 * body. Every choice given must name the same workspace (400 otherwise); on routes with the path
 * parameter the header is not consulted, because clients send it on every call. The field is a
 * selector, consumed here: it is removed from the query and the body before the route validates
 * them, so the routes' strict schemas need not declare it. The caller must be a member; for anyone
 * else the workspace does not exist (404), so ids of other tenants cannot be probed; a deleted
 * workspace does not exist for anyone. An access token acts in its own workspace: naming none is
 * fine, naming another answers 404; the role is its creator's role there now, and the token's
 * scopes go with it for `requirePermission`. Runs after `authenticate`.
 */
import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import { and, eq, isNull } from "drizzle-orm";
import { workspaceMembers, workspaces } from "@xr2/db/schema";
import { ApiError, JSON_MEDIA_TYPE } from "@xr2/shared";
import type { ApiHono } from "../app.ts";

const WORKSPACE_ID = /^ws_[0-9a-z]{26}$/;
const FIELD = "workspace_id";

export const workspaceAccess = createMiddleware<ApiHono>(async (c, next) => {
  const fromPath = c.req.param("workspaceId");
  const choices = [...(fromPath === undefined ? [c.req.header("x-workspace-id")] : [fromPath]), ...(await takeField(c))].filter((choice): choice is string => choice !== undefined);
  const accessToken = c.get("accessToken");
  const [workspaceId = accessToken?.workspaceId] = choices;
  if (workspaceId === undefined) throw new ApiError("VALIDATION_FAILED", `Choose a workspace with the X-Workspace-Id header or a ${FIELD} field`);
  if (choices.some((choice) => choice !== workspaceId)) {
    throw new ApiError("VALIDATION_FAILED", `The ${fromPath === undefined ? "X-Workspace-Id header" : "path"} and the ${FIELD} field name different workspaces; name one`);
  }
  const user = c.get("user");
  if (!user) throw new ApiError("INTERNAL", "workspaceAccess needs authenticate before it");
  if (!WORKSPACE_ID.test(workspaceId)) throw new ApiError("NOT_FOUND", "Workspace not found");
  if (accessToken && workspaceId !== accessToken.workspaceId) throw new ApiError("NOT_FOUND", "Workspace not found");
  const [membership] = await c
    .get("ctx")
    .http()
    .select({ role: workspaceMembers.role })
    .from(workspaceMembers)
    // A deleted workspace (its rows awaiting the purge job) exists for nobody.
    .innerJoin(workspaces, and(eq(workspaces.id, workspaceMembers.workspaceId), isNull(workspaces.deletedAt)))
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, user.id)))
    .limit(1);
  if (!membership) {
    if (accessToken) throw new ApiError("UNAUTHENTICATED", "This access token's creator is no longer a member of its workspace (or the workspace was deleted)");
    throw new ApiError("NOT_FOUND", "Workspace not found");
  }
  c.set("workspace", accessToken ? { id: workspaceId, role: membership.role, scopes: accessToken.scopes } : { id: workspaceId, role: membership.role });
  c.set("workspaceId", workspaceId);
  await next();
});

/**
 * The values of the `workspace_id` field, from the query string and from the top level of a JSON
 * object body; when there are any, the request is replaced by one without the field. Other
 * bodies (YAML, malformed JSON, arrays) are passed on unchanged, for the route's own validation.
 */
async function takeField(c: Context<ApiHono>): Promise<string[]> {
  const values = c.req.queries(FIELD) ?? [];
  // The body as read here, to pass on; undefined while unread.
  let body: string | undefined;
  const mediaType = c.req.header("content-type")?.split(";")[0]?.trim() ?? "";
  if (c.req.raw.body !== null && JSON_MEDIA_TYPE.test(mediaType)) {
    body = await c.req.text();
    const parsed = parseJson(body);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) && Object.hasOwn(parsed, FIELD)) {
      const { [FIELD]: value, ...rest } = parsed as Record<string, unknown>;
      if (typeof value !== "string") throw new ApiError("VALIDATION_FAILED", `${FIELD} must be a string`);
      values.push(value);
      body = JSON.stringify(rest);
    }
  }
  if (values.length === 0) return values;
  // The route's validators read the request again: hand them one without the field (as Hono's
  // bodyLimit replaces the request it reads), and forget the body read above.
  const url = new URL(c.req.url);
  url.searchParams.delete(FIELD);
  if (body === undefined) {
    c.req.raw = new Request(url, c.req.raw);
  } else {
    const headers = new Headers(c.req.raw.headers);
    headers.delete("content-length");
    c.req.raw = new Request(url, { method: c.req.raw.method, headers, body });
    c.req.bodyCache = {};
  }
  return values;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
