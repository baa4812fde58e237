/**
 * `npm run postman` (and every `npm run build`): the Postman collection of the API, converted from
 * the OpenAPI document /api/openapi.json serves (built here in Node by the same function) with
 * Postman's own converter, openapi-to-postmanv2, and written to
 * workers/api/src/openapi/postman-collection.json, which the API worker bundles and serves at
 * GET /api/docs/postman.json. The converter is large and Node-only, hence build time rather than
 * the worker. test/e2e/postman-collection.test.ts fails when the committed file is stale.
 *
 * After conversion the collection is made ready to use: bearer auth on the collection from
 * `{{accessToken}}` (public operations say `noauth`, the edge's Product API uses
 * `{{productApiKey}}`), `{{workspaceId}}` in every X-Workspace-Id header, `{{baseUrl}}` set to the
 * local stack's API worker (the served copy answers with the caller's origin), no saved example
 * responses (they are most of the size and repeat the schemas), no random ids, and the example
 * bodies faked from a seeded Math.random, so the same document always gives the same file.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createApiApp } from "../workers/api/src/app.ts";
import { openApiDocument } from "../workers/api/src/openapi/document.ts";

export const POSTMAN_COLLECTION_FILE = resolve(import.meta.dirname, "../workers/api/src/openapi/postman-collection.json");
/** The API worker of the local stack (npm run dev). */
const LOCAL_API_ORIGIN = "http://127.0.0.1:8788";

type Auth = { type: string; bearer?: Array<{ key: string; value: string; type?: string }> } | null;
interface PostmanRequest {
  method: string;
  url: { path?: string[]; host?: string[] };
  header?: Array<{ key: string; value: string; disabled?: boolean; description?: unknown }>;
  auth?: Auth;
}
interface PostmanItem {
  name: string;
  id?: string;
  item?: PostmanItem[];
  request?: PostmanRequest;
  response?: unknown[];
}
export interface PostmanCollection {
  info: { name: string; schema: string; _postman_id?: string; description?: unknown };
  item: PostmanItem[];
  auth?: Auth;
  variable: Array<{ key: string; value: string; type?: string; description?: unknown }>;
  event?: unknown[];
}

type OpenApiOperation = { security?: Array<Record<string, unknown>> };

/**
 * A fixed sequence for Math.random (mulberry32) while converting: the converter's schema faker
 * draws from it to size example maps, and keeps a reference to the function it first saw, so the
 * converter is loaded only once this one is in place and every conversion restarts the sequence.
 */
let randomState = 0;
function seededRandom(): number {
  randomState = (randomState + 0x6d2b79f5) | 0;
  let t = Math.imul(randomState ^ (randomState >>> 15), 1 | randomState);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

async function convert(document: unknown): Promise<PostmanCollection> {
  const random = Math.random;
  randomState = 16;
  Math.random = seededRandom;
  const { default: converter } = await import("openapi-to-postmanv2");
  return new Promise<PostmanCollection>((done, fail) => {
    converter.convert(
      { type: "json", data: document },
      // Folders by tag, as /api/docs groups them; requests named by their summary.
      { folderStrategy: "Tags", requestNameSource: "Fallback", parametersResolution: "Schema", includeAuthInfoInExample: false },
      (error, result) => {
        if (error) fail(error);
        else if (!result.result || result.output?.[0]?.type !== "collection") fail(new Error(`openapi-to-postmanv2 could not convert the document: ${result.reason}`));
        else done(result.output[0].data as PostmanCollection);
      },
    );
  }).finally(() => {
    Math.random = random;
  });
}

const bearer = (variable: string): Auth => ({ type: "bearer", bearer: [{ key: "token", value: `{{${variable}}}`, type: "string" }] });

/** Every request of the collection, folders flattened. */
export function postmanRequests(collection: { item: PostmanItem[] }): Array<{ name: string; request: PostmanRequest }> {
  return collection.item.flatMap((item) => (item.item ? postmanRequests({ item: item.item }) : item.request ? [{ name: item.name, request: item.request }] : []));
}

export async function postmanCollection(): Promise<PostmanCollection> {
  // A plain copy: the converter resolves $refs in place.
  const document = JSON.parse(JSON.stringify(openApiDocument(createApiApp()))) as { paths: Record<string, Record<string, OpenApiOperation>> };
  const security = new Map<string, OpenApiOperation["security"]>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) security.set(`${method.toUpperCase()} ${path.replaceAll(/\{(\w+)\}/g, ":$1")}`, operation.security);
  }
  const collection = await convert(document);
  delete collection.info._postman_id;
  const strip = (items: PostmanItem[]) => {
    for (const item of items) {
      delete item.id;
      if (item.item) strip(item.item);
      if (item.request) item.response = [];
    }
  };
  strip(collection.item);
  for (const { name, request } of postmanRequests(collection)) {
    const key = `${request.method} /${(request.url.path ?? []).join("/")}`;
    if (!security.has(key)) throw new Error(`The converted request "${name}" (${key}) matches no operation of the document`);
    const schemes = (security.get(key) ?? []).flatMap((requirement) => Object.keys(requirement));
    request.auth = schemes.length === 0 ? { type: "noauth" } : schemes.includes("apiKey") ? bearer("productApiKey") : null; // null: the collection's
    for (const header of request.header ?? []) {
      if (header.key.toLowerCase() === "x-workspace-id") {
        header.value = "{{workspaceId}}";
        delete header.disabled;
      }
    }
  }
  collection.auth = bearer("accessToken");
  const described = (key: string, value: string, description: string) => ({ key, value, type: "string", description });
  collection.variable = [
    described("baseUrl", LOCAL_API_ORIGIN, "The API worker's origin (the local stack's here; the copy served at /api/docs/postman.json names its own origin)"),
    ...collection.variable.filter((variable) => variable.key !== "baseUrl"),
    described("accessToken", "", "An access token: xr2_at_… (create one in the site's settings or with POST /api/access-tokens), or the access_token of POST /api/auth/login"),
    described("workspaceId", "", "The workspace the calls act in (ws_…); an access token names its own, so it may stay empty"),
    described("productApiKey", "", "A Product API key (xr2_live_…) for the edge worker's Product API"),
  ];
  return collection;
}

/** The file's text for `collection`: what the drift test compares with the committed file. */
export function postmanCollectionText(collection: PostmanCollection): string {
  return `${JSON.stringify(collection, null, 1)}\n`;
}

export async function writePostmanCollection(): Promise<void> {
  const collection = await postmanCollection();
  writeFileSync(POSTMAN_COLLECTION_FILE, postmanCollectionText(collection));
  console.log(`Postman collection: ${postmanRequests(collection).length} requests → ${POSTMAN_COLLECTION_FILE}`);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) await writePostmanCollection();
