/**
 * `xr2 import --from promptlayer`: the sample export (cli/test/fixtures/promptlayer-export.json)
 * becomes a document the API's import schema accepts, whose versions render with the real engine;
 * f-string and Jinja2 variables are mapped and the rest is reported by prompt and version.
 */
import { describe, expect, it } from "vitest";
import { convertExport } from "./index.ts";
import { fixture, render, validDocument } from "./test-helpers.ts";

const convert = (value: unknown) => convertExport("promptlayer", JSON.stringify(value));
const template = (name: string, prompt_template: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ id: 1, prompt_name: name, version: 1, prompt_template, metadata: null, ...extra });

describe("the PromptLayer importer", () => {
  it("imports the sample export as drafts with its variables, model settings, tags and version numbers", () => {
    const { document, warnings } = convertExport("promptlayer", fixture("promptlayer-export.json"));
    const prompts = validDocument(document);
    expect(prompts.map((prompt) => [prompt.slug, prompt.name, prompt.tags?.map((tag) => tag.name)])).toEqual([
      ["blog-outline", "blog-outline", ["content"]],
      ["ticket-triage", "Ticket Triage", ["support"]],
    ]);
    const outline = prompts[0]!.versions[0]!;
    expect(outline).toMatchObject({ version_number: 1, kind: "text", status: "draft", changelog: "First outline prompt", model_config: { provider: "openai", model: "gpt-4o-mini", temperature: 0.8, max_tokens: 800 } });
    expect(outline.variables).toEqual([
      { name: "topic", type: "string", required: true },
      { name: "audience", type: "string", required: true },
    ]);
    // f-string's doubled braces are literal braces, and stay so.
    expect(render(outline, { topic: "tides", audience: "sailors" })).toBe('Write an outline for a blog post about tides for sailors. Return JSON like {"sections": []}.');

    const triage = prompts[1]!.versions[0]!;
    expect(triage).toMatchObject({ version_number: 2, kind: "chat", model_config: { provider: "anthropic", model: "claude-3-5-haiku-latest", temperature: 0, max_tokens: 256, stop_sequences: ["\n\n"] } });
    expect(triage.variables).toEqual([
      { name: "company", type: "string", required: true },
      { name: "ticket_text", type: "string", required: true },
      { name: "order_id", type: "string", required: false },
      { name: "categories", type: "string", required: false },
      { name: "customer", type: "string", required: false },
    ]);
    expect(render(triage, { company: "Acme", ticket_text: "Broken", order_id: "42" })).toBe(
      "system: Classify support tickets for Acme. Categories: {% for c in categories %}{{ c }}, {% endfor %}other.\nuser: Ticket: Broken\nOrder: 42\nCustomer: {{ customer.name | title }}",
    );
    expect(render(triage, { company: "Acme", ticket_text: "Broken" })).toContain("user: Ticket: Broken\nCustomer:");
    expect(warnings).toEqual([
      'promptlayer prompt "Ticket Triage" version 2 message 1: kept as plain text, no xR2 equivalent: {% for c in categories %}…{% endfor %}',
      'promptlayer prompt "Ticket Triage" version 2 message 2: content parts not imported (xR2 prompts are text): image_url',
      'promptlayer prompt "Ticket Triage" version 2 message 2: kept as plain text, no xR2 equivalent: {{ customer.name | title }}',
      'promptlayer prompt "Ticket Triage" version 2: tools were not imported (1)',
      'promptlayer prompt "Ticket Triage" version 2: metadata not imported: customField',
      'promptlayer prompt "Ticket Triage" version 2: settings kept as provider settings, unchecked by xR2: stop_sequences',
    ]);
  });

  it("reads f-string fields it cannot map as text, and Jinja2 ifs, else and comments", () => {
    const { document, warnings } = convert([
      template("fmt", { type: "completion", content: [{ type: "text", text: "{a.b} {x!r} {n:.2f} {ok} {unclosed" }], input_variables: ["ok", "user-name"], template_format: "f-string" }),
      template("jinja", { type: "completion", content: "{# note #}{%- if not vip -%}Standard{% else %}VIP {{ name }}{% endif %}{% if a and b %}both{% endif %}", template_format: "jinja2" }),
    ]);
    const [fmt, jinja] = validDocument(document);
    expect(render(fmt!.versions[0]!, { ok: "yes" })).toBe("{a.b} {x!r} {n:.2f} yes {unclosed");
    expect(jinja!.versions[0]!.content).toBe("{% if not vip %}Standard{% else %}VIP {name}{% endif %}{{% if a and b %}}both{{% endif %}}");
    expect(render(jinja!.versions[0]!, { vip: "yes", name: "Ann" })).toBe("VIP Ann{% if a and b %}both{% endif %}");
    expect(warnings).toEqual([
      'promptlayer prompt "fmt" version 1: kept as plain text, no xR2 equivalent: {a.b}, {x!r}, {n:.2f}, {unclosed',
      'promptlayer prompt "jinja" version 1: kept as plain text, no xR2 equivalent: {% if a and b %}…{% endif %}',
      'promptlayer prompt "jinja" version 1: Jinja2 whitespace control ({%- -%}) is not applied; the whitespace around those tags is kept',
      'promptlayer prompt "fmt" version 1: the declared variable "user-name" is not a valid xR2 variable name and was not declared',
    ]);
  });

  it("accepts the { items: [...] } list answer and one template object", () => {
    const one = template("hello", { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hi {name}" }] }], input_variables: ["name"] }, { metadata: { model: { provider: "openai", name: "gpt-4o", parameters: {} } } });
    for (const file of [one, { items: [one], page: 1, pages: 1, total: 1 }]) {
      expect(validDocument(convert(file).document)).toEqual([
        { slug: "hello", name: "hello", versions: [{ version_number: 1, kind: "chat", messages: [{ role: "user", content: "Hi {name}" }], variables: [{ name: "name", type: "string", required: true }], model_config: { provider: "openai", model: "gpt-4o" }, status: "draft" }] },
      ]);
    }
  });

  it("skips, with a warning, a version with nothing importable; refuses files that are not PromptLayer exports", () => {
    const { warnings } = convert([template("ok", { type: "completion", content: [{ type: "text", text: "x" }] }), template("empty", { type: "chat", messages: [{ role: "tool", content: [] }] })]);
    expect(warnings).toEqual([
      'promptlayer prompt "empty" version 1 message 1: the role "tool" has no xR2 equivalent (system, user, assistant); not imported',
      'promptlayer prompt "empty" version 1: no message could be imported; this version was skipped',
      'promptlayer prompt "empty": no version could be imported; the prompt was skipped',
    ]);
    expect(() => convertExport("promptlayer", "{")).toThrow(/not a PromptLayer export: it is not valid JSON/);
    expect(() => convert({ prompts: [] })).toThrow(/not a PromptLayer export: expected a prompt template/);
    expect(() => convert({ items: [{ id: 1, prompt_name: "x", tags: [] }] })).toThrow(/entry 1 is not a prompt template/);
    expect(() => convertExport("promptlayer", fixture("langfuse-export.json"))).toThrow(/not a PromptLayer export/);
  });
});
