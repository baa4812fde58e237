/**
 * The OpenAPI document as /api/openapi.json serves it (openapi/document.ts, built here in Node
 * from the same app), checked for what clients generated from it need:
 * - Redocly CLI's recommended rules (redocly.yaml), run offline: no error, and no warning but the
 *   listed ones;
 * - a unique camelCase operationId on every operation, and no stale name in the table;
 * - patterns that are regular expressions as JSON Schema reads them (ECMA-262, `u` flag), with no
 *   flags smuggled into their text;
 * - security, the workspace header, 415 answers and servers declared where they apply.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiApp } from "../../workers/api/src/app.ts";
import { openApiDocument } from "../../workers/api/src/openapi/document.ts";
import { OPERATION_IDS } from "../../workers/api/src/openapi/operation-ids.ts";
import { WEBHOOK_EVENT_TYPES } from "../../workers/shared/src/webhook-events.ts";

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * Warnings of the recommended rules that stay, each with the reason. Any other warning fails.
 */
const ACCEPTED_WARNINGS: Record<string, string> = {
  "info-license #/info": "xR2 is a private product: there is no licence to name",
  "operation-2xx-response #/paths/~1api~1auth~1google/get/responses": "starting Google sign-in is a redirect (302) to Google, never a 2xx",
  "operation-2xx-response #/paths/~1api~1auth~1google~1callback/get/responses": "Google's return is a redirect (302) to the site, never a 2xx",
};

type Operation = {
  operationId?: string;
  security?: unknown[];
  parameters?: Array<{ $ref?: string; name?: string; in?: string }>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, unknown>;
  servers?: Array<{ url: string }>;
};

const document = openApiDocument(createApiApp()) as unknown as {
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { parameters: Record<string, unknown>; schemas: Record<string, unknown> };
  webhooks: Record<string, { post: { operationId: string; requestBody: { content: Record<string, { schema: { $ref: string }; example: { type: string; data: object } }> } } }>;
};
const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, path, operation })));
const byId = (operationId: string) => operations.find((entry) => entry.operation.operationId === operationId)!.operation;

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "xr2-openapi-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("the OpenAPI document", () => {
  it("passes Redocly's recommended rules with no error and only the listed warnings", async () => {
    const file = join(directory, "openapi.json");
    await writeFile(file, JSON.stringify(document));
    const run = promisify(execFile);
    // Exit code 1 when there are errors: the report on stdout says which.
    const { stdout } = await run(join(ROOT, "node_modules/.bin/redocly"), ["lint", "--config", join(ROOT, "redocly.yaml"), file, "--format", "json"], {
      cwd: directory,
      // No usage data, no update check against the npm registry: the lint runs offline.
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
      timeout: 50_000,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
    const report = JSON.parse(stdout.slice(stdout.indexOf("{"))) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }> };
    const problems = report.problems.map((problem) => `${problem.severity} ${problem.ruleId} ${problem.location[0]?.pointer}: ${problem.message}`);
    expect(problems.filter((problem) => problem.startsWith("error")), "lint errors").toEqual([]);
    const unexpected = report.problems.filter((problem) => problem.severity === "warn" && !(`${problem.ruleId} ${problem.location[0]?.pointer}` in ACCEPTED_WARNINGS));
    expect(unexpected.map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer}: ${problem.message}`), "warnings not listed in ACCEPTED_WARNINGS").toEqual([]);
    expect(report.totals.errors).toBe(0);
  }, 60_000);

  it("names every operation with a unique camelCase operationId from the table, and the table has no stale name", () => {
    expect(operations.length).toBeGreaterThan(80);
    expect(operations.filter((entry) => !entry.operation.operationId).map((entry) => entry.key), "operations without an operationId (add them to OPERATION_IDS)").toEqual([]);
    const ids = operations.map((entry) => entry.operation.operationId!);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index), "operationIds used twice").toEqual([]);
    expect(ids.filter((id) => !/^[a-z][a-zA-Z0-9]*$/.test(id)), "not camelCase").toEqual([]);
    expect(Object.keys(OPERATION_IDS).filter((key) => !operations.some((entry) => entry.key === key)), "names of operations that do not exist").toEqual([]);
    expect(byId("listPrompts")).toBe(document.paths["/api/prompts"]!.get);
    expect(byId("createPromptVersion")).toBe(document.paths["/api/prompts/{promptId}/versions"]!.post);
  });

  it("writes every pattern as an ECMA-262 regular expression without flags in its text", () => {
    const patterns: Array<{ at: string; pattern: string }> = [];
    const collect = (node: unknown, at: string) => {
      if (Array.isArray(node)) node.forEach((child, index) => collect(child, `${at}/${index}`));
      else if (node !== null && typeof node === "object") {
        for (const [name, child] of Object.entries(node)) {
          if (name === "pattern" && typeof child === "string") patterns.push({ at, pattern: child });
          else collect(child, `${at}/${name}`);
        }
      }
    };
    collect(document, "#");
    expect(patterns.length).toBeGreaterThan(10);
    const broken = patterns.filter(({ pattern }) => {
      try {
        new RegExp(pattern, "u");
      } catch {
        return true;
      }
      // A regex literal's flags copied into the text: `...$/i`.
      return /\/[dgimsuvy]+$/.test(pattern);
    });
    expect(broken).toEqual([]);
    const slug = (byId("getPublishedPrompt").parameters as Array<{ name: string; schema: { pattern: string } }>).find((parameter) => parameter.name === "slug")!.schema.pattern;
    for (const accepted of ["welcome-message", "Welcome_Message.v2", "A", "x".repeat(128)]) expect(new RegExp(slug, "u").test(accepted), accepted).toBe(true);
    for (const refused of ["-leading-dash", "has space", "", "x".repeat(129), "slash/inside"]) expect(new RegExp(slug, "u").test(refused), refused).toBe(false);
  });

  it("declares security on every operation: none on the public ones, bearer or the API key on the others", () => {
    expect(operations.filter((entry) => !Array.isArray(entry.operation.security)).map((entry) => entry.key)).toEqual([]);
    for (const operationId of ["register", "login", "refreshSession", "logout", "listSignInProviders"]) expect(byId(operationId).security, operationId).toEqual([]);
    expect(byId("listPrompts").security).toEqual([{ bearer: [] }]);
    expect(byId("getPublishedPrompt").security).toEqual([{ apiKey: [] }]);
  });

  it("declares the X-Workspace-Id header on workspace routes without a {workspaceId} path parameter, and only there", () => {
    const withHeader = operations.filter((entry) => entry.operation.parameters?.some((parameter) => parameter.$ref === "#/components/parameters/WorkspaceId")).map((entry) => entry.operation.operationId);
    expect(withHeader).toEqual(expect.arrayContaining(["listPrompts", "createPromptVersion", "listTags", "listApiKeys", "getPromptStats", "countTokens", "importPrompts"]));
    for (const operationId of ["getWorkspace", "listWorkspaces", "createWorkspace", "login", "getCurrentUser", "listDeadLetters", "saveUserProviderKey", "getPublishedPrompt"]) expect(withHeader, operationId).not.toContain(operationId);
    expect(document.components.parameters.WorkspaceId).toMatchObject({ name: "X-Workspace-Id", in: "header", required: false });
  });

  it("documents 415 on every operation that takes a body", () => {
    expect(operations.filter((entry) => entry.operation.requestBody && !entry.operation.responses["415"]).map((entry) => entry.key)).toEqual([]);
  });

  it("types the items of an events batch and bounds their number", () => {
    const schema = byId("trackEvents").requestBody!.content["application/json"]!.schema as { properties: { events: { items: { required?: string[]; properties?: object }; minItems: number; maxItems: number } } };
    expect(schema.properties.events).toMatchObject({ minItems: 1, maxItems: 100 });
    expect(schema.properties.events.items.required).toEqual(expect.arrayContaining(["trace_id", "event_name"]));
  });

  it("documents every webhook event type under webhooks, with its envelope's schema and an example of that type", () => {
    expect(Object.keys(document.webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    for (const type of WEBHOOK_EVENT_TYPES) {
      const body = document.webhooks[type]!.post.requestBody.content["application/json"]!;
      const component = body.schema.$ref.replace("#/components/schemas/", "");
      expect(document.components.schemas[component], type).toMatchObject({ properties: { type: { enum: [type] }, data: { type: "object" } } });
      expect(body.example, type).toMatchObject({ type, data: { workspace_id: expect.any(String) } });
    }
    const ids = Object.values(document.webhooks).map((item) => item.post.operationId);
    expect(ids.filter((id) => operations.some((entry) => entry.operation.operationId === id)), "webhook ids that name an operation too").toEqual([]);
  });

  it("names the API worker as the server, and the edge worker on the Product API's operations", () => {
    expect(document.servers.map((server) => server.url)).toEqual(expect.arrayContaining(["/", "http://127.0.0.1:8788"]));
    const edge = operations.filter((entry) => entry.operation.servers !== undefined);
    expect(edge.map((entry) => entry.operation.operationId).sort()).toEqual(["getPromptBundle", "getPromptTemplate", "getPublishedPrompt", "renderPublishedPrompt", "reportExposures", "trackEvent", "trackEvents"]);
    for (const entry of edge) expect(entry.operation.servers![0]).toMatchObject({ url: "{edgeOrigin}", variables: { edgeOrigin: { default: "http://127.0.0.1:8787" } } });
  });
});
