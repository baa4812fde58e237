// The site's calls typed by the API's own contract: `call("get", "/api/prompts/{promptId}", { params })`
// checks the path, its parameters, the query's names and the body against site/src/api/openapi.d.ts
// (generated from /api/openapi.json by `npm run api-types`) and answers the documented success
// shape, so a renamed response field fails the site's typecheck. It sends through client.ts's
// api()/sendRaw(): the same token refresh, workspace header, timeout and ApiRequestError.
import { api, ApiRequestError, type Query, type RequestOptions, sendRaw } from "./client";
import type { components, paths } from "./openapi";

export type Schemas = components["schemas"];
export type Method = "get" | "post" | "put" | "patch" | "delete";

/** The paths that have an operation for `M`. */
export type ApiPath<M extends Method> = { [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never }[keyof paths];
export type Operation<M extends Method, P extends ApiPath<M>> = NonNullable<paths[P][M]>;

type SuccessStatus = 200 | 201 | 202 | 204;
type JsonOf<R> = R extends { content: { "application/json": infer T } } ? T : undefined;
type ResponsesOf<O> = O extends { responses: infer R } ? R : never;
/** The documented answer of a success status (200, 201, 202 or 204; `undefined` for no body). */
export type AnswerOf<O> = JsonOf<ResponsesOf<O>[Extract<keyof ResponsesOf<O>, SuccessStatus>]>;
export type Answer<M extends Method, P extends ApiPath<M>> = AnswerOf<Operation<M, P>>;

type ParametersOf<O> = O extends { parameters: infer Parameters } ? Parameters : never;
type PathParamsOf<O> = ParametersOf<O> extends { path: infer Path } ? (Path extends Record<string, unknown> ? Path : never) : never;
type QueryOf<O> = ParametersOf<O> extends { query?: infer Q } ? (Q extends Record<string, unknown> ? Q : never) : never;
/** The query parameters an operation documents, as the contract types them. */
export type QueryParams<M extends Method, P extends ApiPath<M>> = QueryOf<Operation<M, P>>;
type RequestBodyOf<O> = O extends { requestBody?: infer Body } ? (NonNullable<Body> extends { content: infer Content } ? Content[keyof Content] : never) : never;
/** The body an operation takes, as the contract types it. */
export type RequestBody<M extends Method, P extends ApiPath<M>> = RequestBodyOf<Operation<M, P>>;

export type CallOptions<O> = Omit<RequestOptions, "body" | "query"> & {
  /** The query parameters the operation documents (a list is sent comma-separated). */
  query?: [QueryOf<O>] extends [never] ? never : { [K in keyof QueryOf<O>]?: Query[string] };
  body?: RequestBodyOf<O>;
} & ([PathParamsOf<O>] extends [never] ? { params?: never } : { params: { [K in keyof PathParamsOf<O>]: string | number } });

type CallArgs<O> = [PathParamsOf<O>] extends [never] ? [options?: CallOptions<O>] : [options: CallOptions<O>];

/** `/api/prompts/{promptId}` with `{ promptId: "p_1" }` → `/api/prompts/p_1` (each value URL-encoded). */
export function fillPath(path: string, params: Record<string, string | number> | undefined): string {
  return path.replaceAll(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`The path ${path} needs the parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}

function send<O>(method: Method, path: string, options: CallOptions<O> | undefined): [string, string, RequestOptions] {
  const { params, ...rest } = (options ?? {}) as CallOptions<O> & { params?: Record<string, string | number> };
  return [method.toUpperCase(), fillPath(path, params), rest as RequestOptions];
}

/** One call of the API, typed by its path and method; answers the parsed JSON of its success. */
export function call<M extends Method, P extends ApiPath<M>>(method: M, path: P, ...[options]: CallArgs<Operation<M, P>>): Promise<Answer<M, P>> {
  return api<Answer<M, P>>(...send(method, path, options));
}

/** The same, answering the Response itself (CSV downloads, streams, redirects). */
export function callRaw<M extends Method, P extends ApiPath<M>>(method: M, path: P, ...[options]: CallArgs<Operation<M, P>>): Promise<Response> {
  return sendRaw(...send(method, path, options));
}

type TableExport = Schemas["TableExport"];
/** The report of a route that answers a table's rows instead only when asked with `table` (never asked here). */
export function report<T>(answer: T | TableExport): Exclude<T, TableExport> {
  if (typeof answer === "object" && answer !== null && "row_limit" in answer) throw new ApiRequestError(200, "BAD_RESPONSE", "The API answered a table where a report was expected.", null);
  return answer as Exclude<T, TableExport>;
}
