// The answer's excerpt is stored in a text column, which Postgres refuses with a NUL in it: a
// receiver answering binary or gzipped bytes must not make the attempt unrecordable (and the
// delivery retried forever).
import { describe, expect, it } from "vitest";
import { readExcerpt, RESPONSE_EXCERPT_BYTES } from "./send-webhook.ts";

describe("the response excerpt", () => {
  it("keeps text as it is, at most RESPONSE_EXCERPT_BYTES of it", async () => {
    expect(await readExcerpt(new Response("ok"))).toBe("ok");
    expect(await readExcerpt(new Response("x".repeat(5_000)))).toBe("x".repeat(RESPONSE_EXCERPT_BYTES));
    expect(await readExcerpt(new Response(null))).toBeNull();
  });

  it("holds no NUL and no invalid UTF-8 when the answer is binary", async () => {
    const bytes = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x00, 0xff, 0xfe, 0x41, 0x00, 0x42]);
    const excerpt = await readExcerpt(new Response(bytes));
    expect(excerpt).not.toContain("\u0000");
    expect(excerpt).toContain("A");
    expect(excerpt).toContain("B");
  });
});
