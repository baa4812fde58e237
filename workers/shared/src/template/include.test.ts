// {% include "slug" %}: parsed into include tags, inlined by inlineIncludes (publishing does it
// with the snippets' published text); an unresolved include renders nothing.
import { describe, expect, it } from "vitest";
import { PROMPT_LIMITS } from "../prompt-limits.ts";
import * as engine from "./engine.ts";
import { compileMessages, compileTemplate, INCLUDE_LIMITS, inlineIncludes, renderTemplate, TEMPLATE_LIMITS, type CompiledTemplate } from "./index.ts";

function compiled(source: string): CompiledTemplate {
  const result = compileTemplate(source);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(source)} to compile: ${JSON.stringify(result.errors)}`);
  return result.template;
}

describe("include tags", () => {
  it("records each tag with its slug and span, with any whitespace inside the tag", () => {
    const template = compiled('Hi {name}. {%include "sig.v2" %} and {%   include   "footer_1"%}.');
    expect(template.includes.map(({ slug }) => slug)).toEqual(["sig.v2", "footer_1"]);
    const [first] = template.includes;
    expect(template.source.slice(first!.offset, first!.end)).toBe('{%include "sig.v2" %}');
  });

  it("inlines snippet sources, inside ifs too, so their variables render as the prompt's own", () => {
    const template = compiled('{% if vip %}{% include "vip" %}{% else %}Hello{% endif %}, {% include "sig" %}');
    const text = inlineIncludes(template, new Map([["vip", "Dear {name}"], ["sig", "{team} team"]]));
    expect(text).toBe("{% if vip %}Dear {name}{% else %}Hello{% endif %}, {team} team");
    expect(renderTemplate(compiled(text), { vip: true, name: "Ada", team: "xR2" }, [])).toEqual({ ok: true, text: "Dear Ada, xR2 team" });
  });

  it("renders an unresolved include as nothing, and leaves escaped tags alone", () => {
    expect(renderTemplate(compiled('a{% include "x" %}b'), {}, [])).toEqual({ ok: true, text: "ab" });
    const escaped = compiled('{{% include "x" %}}');
    expect(escaped.includes).toEqual([]);
    expect(renderTemplate(escaped, {}, [])).toEqual({ ok: true, text: '{% include "x" %}' });
  });

  it("refuses malformed includes and too many of them", () => {
    for (const source of ["{% include footer %}", '{% include "" %}', "{% include 'x' %}", '{% include "a" "b" %}', '{% include "bad slug" %}']) {
      const result = compileTemplate(source);
      expect(result.ok, source).toBe(false);
      if (!result.ok) expect(result.errors[0]?.message).toContain('expected {% include "slug" %}');
    }
    const many = Array.from({ length: INCLUDE_LIMITS.perTemplate + 1 }, (_, index) => `{% include "s${index}" %}`).join("");
    const result = compileTemplate(many);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([expect.objectContaining({ code: "limit_exceeded", message: `a template may include at most ${INCLUDE_LIMITS.perTemplate} snippets` })]);
  });

  it("are the API's and the edge's: the engine the SDKs bundle alone refuses them as unknown tags", () => {
    const result = engine.compileTemplate('a{% include "x" %}b');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.message).toContain('unknown tag "{% include "x" %}"');
    expect(engine.compileMessages([{ role: "user", content: '{% include "x" %}' }]).ok).toBe(false);
  });

  it("are counted per message of a chat template", () => {
    const tags = Array.from({ length: INCLUDE_LIMITS.perTemplate }, (_, index) => `{% include "s${index}" %}`).join("");
    const result = compileMessages([{ role: "system", content: tags }, { role: "user", content: tags }]);
    expect(result.ok).toBe(true);
  });
});

describe("the engine's source limit", () => {
  it("is the prompt text limit the API validates with, which the engine writes out rather than imports", () => {
    expect(TEMPLATE_LIMITS.sourceChars).toBe(PROMPT_LIMITS.templateChars);
  });
});
