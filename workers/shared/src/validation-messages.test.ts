// Every kind of zod issue, produced by a real schema, and the words a person reads for it.
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { ApiError } from "./errors.ts";
import { describeIssueWithField, fieldLabel, readableIssues, validationFailed, validationMessage } from "./validation-messages.ts";

/** The first issue of parsing `input` with `schema`, in words. */
function wordsFor(schema: z.ZodType, input: unknown, where?: string): string {
  const result = schema.safeParse(input);
  if (result.success) throw new Error("expected the input to fail");
  return describeIssueWithField(result.error.issues[0]!, where);
}

describe("validation messages", () => {
  const table: Array<[string, z.ZodType, unknown, string]> = [
    ["a missing field", z.object({ name: z.string() }), {}, "name: is required"],
    ["text where a list is wanted", z.object({ variables: z.array(z.string()) }), { variables: "a" }, "variables: must be a list, not text"],
    ["text where an object is wanted", z.object({ model_config: z.object({}) }), { model_config: "gpt" }, "model_config: must be an object with named fields, not text"],
    ["a number where text is wanted", z.object({ name: z.string() }), { name: 5 }, "name: must be text, not a number"],
    ["null where text is wanted", z.object({ name: z.string() }), { name: null }, "name: must be text, not null"],
    ["text where true/false is wanted", z.object({ required: z.boolean() }), { required: "yes" }, "required: must be true or false, not text"],
    ["a body that is not an object", z.object({ name: z.string() }), "hello", "body: must be an object with named fields, not text"],
    ["an empty string", z.object({ name: z.string().min(1) }), { name: "" }, "name: must not be empty"],
    ["too few characters", z.object({ password: z.string().min(8) }), { password: "abc" }, "password: must be at least 8 characters"],
    ["too many characters", z.object({ name: z.string().max(200) }), { name: "x".repeat(201) }, "name: must be at most 200 characters"],
    ["one character too many", z.object({ code: z.string().max(1) }), { code: "ab" }, "code: must be at most 1 character"],
    ["an exact length", z.object({ code: z.string().length(6) }), { code: "12" }, "code: must be exactly 6 characters"],
    ["an empty list", z.object({ tags: z.array(z.string()).min(1) }), { tags: [] }, "tags: must not be empty"],
    ["too many items", z.object({ tags: z.array(z.string()).max(2) }), { tags: ["a", "b", "c"] }, "tags: must have at most 2 items"],
    ["a number too small", z.object({ limit: z.number().min(1) }), { limit: 0 }, "limit: must be at least 1"],
    ["a number too big", z.object({ limit: z.number().max(100) }), { limit: 101 }, "limit: must be at most 100"],
    ["a positive number", z.object({ weight: z.number().positive() }), { weight: 0 }, "weight: must be greater than 0"],
    ["a whole number", z.object({ limit: z.number().int() }), { limit: 1.5 }, "limit: must be a whole number"],
    ["a multiple", z.object({ step: z.number().multipleOf(5) }), { step: 7 }, "step: must be a multiple of 5"],
    ["an e-mail address", z.object({ email: z.email() }), { email: "nope" }, "email: must be an e-mail address"],
    ["a web address", z.object({ url: z.url() }), { url: "nope" }, "url: must be a web address (URL)"],
    ["a date and time", z.object({ from: z.iso.datetime() }), { from: "yesterday" }, "from: must be a date and time like 2026-01-31T09:30:00Z"],
    ["a pattern without its own message", z.object({ slug: z.string().regex(/^[a-z]+$/) }), { slug: "A B" }, "slug: has characters or a form that is not allowed here"],
    ["a pattern with its own message", z.object({ slug: z.string().regex(/^[a-z]+$/, "use lowercase letters") }), { slug: "A" }, "slug: use lowercase letters"],
    ["a prefix", z.object({ key: z.string().startsWith("xr2_") }), { key: "abc" }, 'key: must start with "xr2_"'],
    ["one of some values", z.object({ environment: z.enum(["development", "staging", "production"]) }), { environment: "prod" }, 'environment: must be one of "development", "staging", "production"'],
    ["a literal", z.object({ confirm: z.literal(true) }), { confirm: false }, "confirm: must be true"],
    ["an unknown field", z.strictObject({ name: z.string() }), { name: "a", nmae: "b" }, "body: has a field this request does not accept: nmae"],
    ["unknown fields", z.strictObject({}), { a: 1, b: 2 }, "body: has fields this request does not accept: a, b"],
    ["a union of types", z.object({ value: z.union([z.string(), z.number()]) }), { value: [] }, "value: must be text or a number"],
    ["a missing union", z.object({ value: z.union([z.string(), z.number()]) }), {}, "value: is required"],
    ["a union of shapes", z.object({ item: z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]) }), { item: { c: 1 } }, "item: does not have any of the forms accepted here"],
    ["a bad record key", z.object({ values: z.record(z.string().max(2), z.string()) }), { values: { long: "x" } }, "values › long: has a key that is not allowed here"],
    ["a refinement without a message", z.object({ name: z.string().refine((value) => value !== "x") }), { name: "x" }, "name: is not valid"],
    ["a refinement with a message", z.object({ name: z.string().refine((value) => value !== "x", "must not be x") }), { name: "x" }, "name: must not be x"],
    ["a nested list item", z.object({ variables: z.array(z.object({ name: z.string().min(1) })) }), { variables: [{ name: "a" }, { name: "" }] }, "variables › item 2 › name: must not be empty"],
  ];
  it.each(table)("%s", (_kind, schema, input, words) => {
    expect(wordsFor(schema, input)).toBe(words);
  });

  it("never lets zod's own wording through for any case in the table", () => {
    for (const [, schema, input] of table) {
      const words = wordsFor(schema, input);
      expect(words).not.toMatch(/Too small|Too big|expected \w+, received|Invalid input|>=|<=/);
    }
  });

  it("names the part of the request when a problem has no path", () => {
    expect(wordsFor(z.object({ limit: z.string() }), "x", "query")).toBe("query: must be an object with named fields, not text");
    expect(wordsFor(z.string().min(1), "", "param")).toBe("path: must not be empty");
    expect(fieldLabel([])).toBe("");
    expect(fieldLabel(["messages", 0, "content"])).toBe("messages › item 1 › content");
  });

  it("makes one VALIDATION_FAILED error: the first problem and a count of the others, the issues in words as details", () => {
    const result = z.object({ name: z.string().min(1), slug: z.string().max(3), tags: z.array(z.string()) }).safeParse({ name: "", slug: "abcd", tags: "x" });
    if (result.success) throw new Error("expected a failure");
    expect(validationMessage(result.error.issues)).toBe("name: must not be empty (and 2 more problems)");
    const error = validationFailed(result.error.issues, "json");
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.status).toBe(400);
    expect(error.details).toEqual([
      expect.objectContaining({ code: "too_small", path: ["name"], message: "must not be empty" }),
      expect.objectContaining({ code: "too_big", path: ["slug"], message: "must be at most 3 characters" }),
      expect.objectContaining({ code: "invalid_type", path: ["tags"], message: "must be a list, not text" }),
    ]);
    expect(readableIssues([])).toEqual([]);
    expect(validationMessage([])).toBe("The request is not valid");
  });
});
