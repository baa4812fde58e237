// The renderer caches compiled templates per version, but a republish can serve the same version
// with a newer snippet ({% include %}) inlined, under a new published_at: the new text must be
// rendered, not the cached one.
import { describe, expect, it } from "vitest";
import { Renderer } from "./render.ts";

describe("Renderer", () => {
  it("renders the new text of a version republished with a newer snippet inlined", () => {
    const renderer = new Renderer();
    const variables = [{ name: "name", type: "string" as const, required: true }];
    const before = { kind: "text" as const, content: "Hi {name}. Regards", messages: null, variables };
    expect(renderer.render("reply", "pv_1", before, { name: "Ada" }, "2026-01-01T00:00:00.000Z").content).toBe("Hi Ada. Regards");
    expect(renderer.render("reply", "pv_1", { ...before, content: "Hi {name}. Warm regards" }, { name: "Ada" }, "2026-01-02T00:00:00.000Z").content).toBe("Hi Ada. Warm regards");
    const chat = { kind: "chat" as const, content: null, messages: [{ role: "system" as const, content: "Be kind, {name}" }], variables };
    expect(renderer.render("chat", "pv_2", chat, { name: "Ada" }, "2026-01-01T00:00:00.000Z").messages).toEqual([{ role: "system", content: "Be kind, Ada" }]);
    expect(renderer.render("chat", "pv_2", { ...chat, messages: [{ role: "system", content: "Be brief, {name}" }] }, { name: "Ada" }, "2026-01-02T00:00:00.000Z").messages).toEqual([{ role: "system", content: "Be brief, Ada" }]);
  });
});
