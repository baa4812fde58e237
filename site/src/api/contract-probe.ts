// A compile-time proof that the site's calls are bound to the API's contract (openapi.d.ts): the
// site's typecheck compiles this file, and test/e2e/api-types.test.ts compiles it again against a
// copy of the contract with a response field renamed, which must fail. Nothing imports it at run time.
import { call } from "./contract";
import type { Prompt } from "./prompts";

/** Reads fields of answers the pages rely on; a renamed or removed field is a type error here. */
export async function probeContract(promptId: string): Promise<string[]> {
  const prompt = await call("get", "/api/prompts/{promptId}", { params: { promptId } });
  const page = await call("get", "/api/prompts", { query: { limit: 5, sort: "name" } });
  const first: Prompt | undefined = page.prompts[0];
  // @ts-expect-error a field the API does not answer
  void prompt.no_such_field;
  // @ts-expect-error a path the API does not have
  void call("get", "/api/no-such-path");
  // @ts-expect-error a path parameter missing
  void call("get", "/api/prompts/{promptId}", {});
  // @ts-expect-error a query parameter the operation does not document
  void call("get", "/api/prompts", { query: { no_such_filter: 1 } });
  // @ts-expect-error a body of the wrong shape
  void call("post", "/api/prompts", { body: { slug: 1, name: "n" } });
  const removed: undefined = await call("delete", "/api/prompts/{promptId}", { params: { promptId } });
  return [prompt.slug, prompt.environments.production?.version_id ?? "", first?.slug ?? "", String(removed ?? page.next_cursor)];
}
