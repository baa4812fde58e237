/**
 * The OpenAPI document served at /api/openapi.json. zod-openapi generates it from the route
 * definitions; what the definitions do not say is completed here, in one place, from the table of
 * operation ids and from the middleware each route really runs, so no route file restates it:
 * - `operationId` from OPERATION_IDS;
 * - `security: []` on the operations that declare none (the public ones: the security suite,
 *   routes/security.test.ts, checks that every other route authenticates and says so);
 * - the `X-Workspace-Id` header on routes that run `workspaceAccess` without a `{workspaceId}`
 *   path parameter;
 * - 415 on every operation that takes a body (the validators refuse other media types);
 * - the servers: the API worker here, the edge worker on the Product API's operations
 *   (openapi/product-api.ts).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { unwrapHandler } from "../route-chain.ts";
import { ERROR_STATUS } from "@xr2/shared";
import type { ApiHono } from "../app.ts";
import { workspaceAccess } from "../middleware/workspace-access.ts";
import { OPERATION_IDS } from "./operation-ids.ts";

type OpenApiDocument = ReturnType<OpenAPIHono<ApiHono>["getOpenAPI31Document"]>;
type Operation = { operationId?: string; security?: unknown[]; parameters?: unknown[]; requestBody?: unknown; responses?: Record<string, unknown> };

const METHODS = ["get", "put", "post", "delete", "patch"] as const;

const DOCUMENT_CONFIG = {
  openapi: "3.1.0",
  info: {
    title: "xR2 management API",
    version: "1",
    description:
      "The management API (API worker) and the Product API apps call (edge worker, tag `product api (edge)`). Management calls authenticate with the session token of POST /api/auth/login, or with an access token of POST /api/access-tokens (CLI, CI, MCP: only on workspace routes its scopes open); the Product API with a Product API key.",
  },
  servers: [
    { url: "/", description: "The API worker that serves this document" },
    { url: "http://127.0.0.1:8788", description: "The API worker of the local stack (npm run dev)" },
  ],
};

export const WORKSPACE_ID_HEADER = {
  name: "X-Workspace-Id",
  in: "header",
  // Not `required`: a `workspace_id` query or body field names the workspace as well, and a
  // required header would make generated clients demand it of those calls.
  required: false,
  description: "The workspace the call acts in (ws_…); the caller must be a member. Needed unless a `workspace_id` query or top-level body field names it; naming two different workspaces answers 400.",
  schema: { type: "string", pattern: "^ws_[0-9a-z]{26}$" },
} as const;

/** The middleware and handlers each served route runs, by "METHOD /path/{param}". */
function servedChains(app: OpenAPIHono<ApiHono>): Map<string, unknown[]> {
  const chains = new Map<string, unknown[]>();
  for (const route of app.routes) {
    // `use()` middleware is registered under the method ALL; routes have real methods.
    if (route.method === "ALL") continue;
    const key = `${route.method} ${route.path.replaceAll(/:(\w+)/g, "{$1}")}`;
    chains.set(key, [...(chains.get(key) ?? []), unwrapHandler(route.handler)]);
  }
  return chains;
}

export function openApiDocument(app: OpenAPIHono<ApiHono>): OpenApiDocument {
  const document = app.getOpenAPI31Document(DOCUMENT_CONFIG);
  const chains = servedChains(app);
  const errorContent = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      const key = `${method.toUpperCase()} ${path}`;
      operation.operationId ??= OPERATION_IDS[key];
      operation.security ??= [];
      if ((chains.get(key) ?? []).includes(workspaceAccess) && !path.includes("{workspaceId}")) {
        operation.parameters = [{ $ref: "#/components/parameters/WorkspaceId" }, ...(operation.parameters ?? [])];
      }
      const responses = (operation.responses ??= {});
      if (operation.requestBody !== undefined && !(ERROR_STATUS.UNSUPPORTED_MEDIA_TYPE in responses)) {
        responses[ERROR_STATUS.UNSUPPORTED_MEDIA_TYPE] = { description: "UNSUPPORTED_MEDIA_TYPE: the body is not sent as one of the media types above", content: errorContent };
      }
    }
  }
  document.components = { ...document.components, parameters: { ...document.components?.parameters, WorkspaceId: WORKSPACE_ID_HEADER } };
  return document;
}

/** Serves the document; built once per app, since the routes do not change after start. */
export function serveOpenApiDocument(app: OpenAPIHono<ApiHono>): void {
  let document: OpenApiDocument | undefined;
  app.get("/api/openapi.json", (c) => c.json((document ??= openApiDocument(app))));
}
