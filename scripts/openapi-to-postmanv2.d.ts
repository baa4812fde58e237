/** The part of openapi-to-postmanv2 (which ships no types) that scripts/postman-collection.ts uses. */
declare module "openapi-to-postmanv2" {
  type Input = { type: "json"; data: unknown } | { type: "string" | "file"; data: string };
  type Result = { result: boolean; reason?: string; output?: Array<{ type: string; data: unknown }> };
  const converter: { convert(input: Input, options: Record<string, unknown>, callback: (error: Error | null, result: Result) => void): void };
  export default converter;
}
