/**
 * The Postman collection the API worker serves at /api/docs/postman.json
 * (workers/api/src/openapi/postman-collection.json, written by `npm run postman` and every
 * `npm run build` from the OpenAPI document): current with the routes, one request per operation,
 * and ready to send (bearer auth, base URL and workspace variables).
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiApp } from "../../workers/api/src/app.ts";
import { openApiDocument } from "../../workers/api/src/openapi/document.ts";
import { POSTMAN_COLLECTION_FILE, type PostmanCollection, postmanCollection, postmanCollectionText, postmanRequests } from "../../scripts/postman-collection.ts";

type Operation = { security?: Array<Record<string, unknown>>; parameters?: Array<{ $ref?: string }> };
const document = openApiDocument(createApiApp()) as unknown as { paths: Record<string, Record<string, Operation>> };
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path.replaceAll(/\{(\w+)\}/g, ":$1")}`, operation })),
);
const committed = JSON.parse(readFileSync(POSTMAN_COLLECTION_FILE, "utf8")) as PostmanCollection;
const requests = postmanRequests(committed).map(({ name, request }) => ({ name, request, key: `${request.method} /${(request.url.path ?? []).join("/")}` }));

let fresh: PostmanCollection;
beforeAll(async () => {
  fresh = await postmanCollection();
}, 60_000);

describe("the Postman collection", () => {
  it("is the conversion of the current OpenAPI document (run `npm run postman` when this fails)", () => {
    expect(readFileSync(POSTMAN_COLLECTION_FILE, "utf8") === postmanCollectionText(fresh), "workers/api/src/openapi/postman-collection.json is stale: run npm run postman").toBe(true);
  });

  it("has exactly one request per operation of the document", () => {
    expect(requests.length).toBe(operations.length);
    expect(requests.map((request) => request.key).sort()).toEqual(operations.map((operation) => operation.key).sort());
    expect(committed.info.schema).toBe("https://schema.getpostman.com/json/collection/v2.1.0/collection.json");
  });

  it("authenticates as the document says: bearer access token by default, none on public operations, the Product API key on the edge", () => {
    expect(committed.auth).toEqual({ type: "bearer", bearer: [{ key: "token", value: "{{accessToken}}", type: "string" }] });
    for (const { key, request } of requests) {
      const schemes = (operations.find((operation) => operation.key === key)!.operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
      const expected = schemes.length === 0 ? { type: "noauth" } : schemes.includes("apiKey") ? { type: "bearer", bearer: [{ key: "token", value: "{{productApiKey}}", type: "string" }] } : null;
      expect(request.auth ?? null, key).toEqual(expected);
    }
    expect(requests.filter(({ request }) => request.auth === null).length).toBeGreaterThan(50);
    expect(requests.some(({ request }) => request.auth?.type === "noauth")).toBe(true);
  });

  it("sends every request to a variable base URL and the workspace header from {{workspaceId}}", () => {
    const variables = new Map(committed.variable.map((variable) => [variable.key, variable.value]));
    expect(variables.get("baseUrl")).toBe("http://127.0.0.1:8788");
    expect([...variables.keys()]).toEqual(expect.arrayContaining(["baseUrl", "edgeOrigin", "accessToken", "workspaceId", "productApiKey"]));
    for (const { key, request } of requests) expect(request.url.host, key).toEqual([key.includes("/api/v1/") ? "{{edgeOrigin}}" : "{{baseUrl}}"]);
    const withWorkspace = operations.filter(({ operation }) => operation.parameters?.some((parameter) => parameter.$ref === "#/components/parameters/WorkspaceId"));
    expect(withWorkspace.length).toBeGreaterThan(20);
    for (const { key } of withWorkspace) {
      const headers = requests.find((request) => request.key === key)!.request.header ?? [];
      expect(headers.find((header) => header.key === "X-Workspace-Id"), key).toMatchObject({ value: "{{workspaceId}}" });
    }
  });
});
