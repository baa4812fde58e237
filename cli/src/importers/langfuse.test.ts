/**
 * `xr2 import --from langfuse`: the sample export (cli/test/fixtures/langfuse-export.json) becomes
 * a document the API's import schema accepts, whose versions render with the real engine, and
 * everything that cannot be mapped is reported by prompt and version.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { convertExport } from "./index.ts";
import { fixture, render, validDocument } from "./test-helpers.ts";

const convert = (value: unknown) => convertExport("langfuse", JSON.stringify(value));

describe("the Langfuse importer", () => {
  it("imports the sample export as drafts with its variables, model settings, tags and version numbers", () => {
    const { document, warnings } = convertExport("langfuse", fixture("langfuse-export.json"));
    const prompts = validDocument(document);
    expect(prompts.map((prompt) => [prompt.slug, prompt.name, prompt.tags?.map((tag) => tag.name)])).toEqual([
      ["movie-critic", "movie-critic", ["movies"]],
      ["support-reply-draft", "support/Reply Draft", ["support", "email"]],
    ]);
    const [critic, support] = prompts as [(typeof prompts)[0], (typeof prompts)[0]];
    expect(critic.versions.map((version) => [version.version_number, version.kind, version.status, version.changelog])).toEqual([
      [1, "text", "draft", undefined],
      [2, "text", "draft", "Ask for a JSON verdict"],
    ]);
    expect(critic.versions[1]!.variables).toEqual([
      { name: "criticLevel", type: "string", required: true },
      { name: "movie", type: "string", required: true },
    ]);
    expect(critic.versions[1]!.model_config).toEqual({ model: "gpt-4o", temperature: 0.5, max_tokens: 400, supported_languages: ["en", "fr"] });
    // The JSON example's braces are literal text in xR2 as they were in Langfuse.
    expect(render(critic.versions[1]!, { criticLevel: "harsh", movie: "Alien" })).toBe(
      'As a harsh movie critic, review Alien in one paragraph. Answer as JSON: {"verdict": "like" | "dislike"}',
    );

    const chat = support.versions[0]!;
    expect(chat).toMatchObject({ version_number: 3, kind: "chat", changelog: "VIP tone", model_config: { provider: "anthropic", model: "claude-3-5-sonnet-latest", max_tokens: 1024, temperature: 0.2 } });
    expect(chat.variables).toEqual([
      { name: "product_name", type: "string", required: true },
      { name: "customer_name", type: "string", required: true },
      { name: "message", type: "string", required: true },
      { name: "vip", type: "string", required: false },
    ]);
    expect(render(chat, { product_name: "Acme", customer_name: "Ann", message: "Hi", vip: "yes" })).toBe(
      "system: You are a support agent for Acme. The customer is a VIP: be brief and offer a call.\nuser: Ann writes: Hi",
    );
    expect(render(chat, { product_name: "Acme", customer_name: "Ann", message: "Hi" })).toBe("system: You are a support agent for Acme.\nuser: Ann writes: Hi");

    expect(warnings).toEqual([
      'langfuse prompt "movie-critic" version 2: the labels "production" were not applied: imported versions are drafts (publish them in xR2)',
      'langfuse prompt "movie-critic" version 2: settings kept as provider settings, unchecked by xR2: supported_languages',
      'langfuse prompt "support/Reply Draft" version 3 message 1: the section {{#vip}} became {% if vip %} (a list value is not iterated)',
      'langfuse prompt "support/Reply Draft" version 3 message 2: the message placeholder "history" was not imported (xR2 chat prompts have no message-list variables)',
      'langfuse prompt "support/Reply Draft" version 3 message 3: the variable "customer-name" was renamed customer_name',
      'langfuse prompt "support/Reply Draft" version 3: the labels "staging" were not applied: imported versions are drafts (publish them in xR2)',
    ]);
  });

  it("accepts one prompt object and the { data: [...] } wrapper", () => {
    const prompt = { name: "greeting", version: 1, type: "text", prompt: "Hello {{name}}", config: {}, labels: ["production"], tags: [] };
    for (const file of [prompt, { data: [prompt] }, { prompts: [prompt] }]) {
      const prompts = validDocument(convert(file).document);
      expect(prompts).toEqual([{ slug: "greeting", name: "greeting", versions: [{ version_number: 1, kind: "text", content: "Hello {name}", variables: [{ name: "name", type: "string", required: true }], status: "draft" }] }]);
    }
  });

  it("keeps what has no equivalent as text and names it: partials, comments, unclosed sections, prompt references, roles, bad settings", () => {
    const { document, warnings } = convert([
      { name: "odd", version: 4, type: "text", prompt: "{{> footer}} {{! note}} {{#items}}{{.}}", config: { temperature: 5, "bad key": 1, provider: "mistral" }, labels: [], tags: ["x".repeat(65)] },
      { name: "composed", version: 1, type: "chat", prompt: [{ role: "tool", content: "x" }, { role: "developer", content: "@@@langfusePrompt:name=base|label=production@@@ {{q}}" }], config: null, labels: [], tags: [] },
    ]);
    const [odd, composed] = validDocument(document);
    // The unbalanced section cannot become an if: the whole template falls back to text.
    expect(render(odd!.versions[0]!, {})).toBe("{{> footer}} {{! note}} {{#items}}{{.}}");
    expect(odd!.versions[0]).not.toHaveProperty("model_config");
    expect(composed!.versions[0]!.messages).toEqual([{ role: "system", content: "@@@langfusePrompt:name=base|label=production@@@ {q}" }]);
    expect(warnings).toEqual([
      'langfuse prompt "odd" version 4: the section {{#items}} became {% if items %} (a list value is not iterated)',
      'langfuse prompt "odd" version 4: kept as plain text, no xR2 equivalent: {{> footer}}, {{! note}}, {{.}}',
      'langfuse prompt "odd" version 4: the converted template was not valid ({% if items %} is never closed by {% endif %}); its conditions were kept as plain text',
      'langfuse prompt "odd" version 4: settings not imported: temperature 5 (0 to 2); bad key; provider "mistral" (xR2 knows openai, anthropic, google)',
      'langfuse prompt "composed" version 1 message 1: the role "tool" has no xR2 equivalent (system, user, assistant); not imported',
      'langfuse prompt "composed" version 1 message 2: the role "developer" became "system"',
      'langfuse prompt "composed" version 1 message 2: references to other Langfuse prompts (@@@langfusePrompt:…@@@) are kept as plain text; xR2 does not compose prompts',
      `langfuse prompt "odd": the tag "${"x".repeat(65)}" is not a valid xR2 tag name and was not imported`,
    ]);
  });

  it("renders any text without variables back unchanged, whatever its braces", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("{", "}", "%", "#", "a", " ", "\n") }), (text) => {
        fc.pre(!text.includes("{{"));
        const [prompt] = validDocument(convert({ name: "p", version: 1, type: "text", prompt: text || "x", labels: [], tags: [] }).document);
        expect(render(prompt!.versions[0]!, {})).toBe(text || "x");
      }),
    );
  });

  it("refuses files that are not Langfuse exports with a readable error", () => {
    expect(() => convertExport("langfuse", "name: x")).toThrow(/not a Langfuse export: it is not valid JSON/);
    expect(() => convert({ hello: "world" })).toThrow(/not a Langfuse export: expected a prompt object/);
    expect(() => convert([{ name: "x", prompt: 3 }])).toThrow(/entry 1 is not a prompt object/);
    expect(() => convert({ data: [{ name: "greeting", versions: [1, 2], labels: [], tags: [] }], meta: {} })).toThrow(/prompt list \(GET \/api\/public\/v2\/prompts\), which holds no prompt text/);
    expect(() => convertExport("langfuse", fixture("promptlayer-export.json"))).toThrow(/not a Langfuse export/);
    expect(() => convert([])).toThrow(/holds no prompts/);
  });
});
