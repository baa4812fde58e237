import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  coerceVariables,
  compileMessages,
  compileTemplate,
  renderMessages,
  renderTemplate,
  TEMPLATE_LIMITS,
  variablesUsed,
  type CompiledTemplate,
  type TemplateError,
  type VariableDefinition,
} from "./index.ts";

function compiled(source: string): CompiledTemplate {
  const result = compileTemplate(source);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(source)} to compile: ${JSON.stringify(result.errors)}`);
  return result.template;
}

function render(source: string, values: Record<string, unknown> = {}, definitions: VariableDefinition[] = [], strict = false): string {
  const result = renderTemplate(compiled(source), values, definitions, { strict });
  if (!result.ok) throw new Error(`expected ${JSON.stringify(source)} to render: ${JSON.stringify(result.errors)}`);
  return result.text;
}

function compileErrors(source: string): TemplateError[] {
  const result = compileTemplate(source);
  if (result.ok) throw new Error(`expected ${JSON.stringify(source)} not to compile`);
  return result.errors;
}

function renderErrors(source: string, values: Record<string, unknown>, definitions: VariableDefinition[], strict = false): TemplateError[] {
  const result = renderTemplate(compiled(source), values, definitions, { strict });
  if (result.ok) throw new Error(`expected ${JSON.stringify(source)} not to render, got ${JSON.stringify(result.text)}`);
  return result.errors;
}

const text = (name: string, more: Partial<VariableDefinition> = {}): VariableDefinition => ({ name, type: "string", required: false, ...more });
const at = (offset: number, line: number, column: number) => ({ offset, line, column });

describe("substitution", () => {
  it("substitutes strings, numbers and booleans", () => {
    const definitions: VariableDefinition[] = [text("name"), { name: "n", type: "number", required: true }, { name: "ok", type: "boolean", required: true }];
    expect(render("Hello {name}! {n} items, ok={ok}", { name: "Ada", n: 2.5, ok: false }, definitions)).toBe("Hello Ada! 2.5 items, ok=false");
  });

  it("fills defaults and renders optional variables without value as empty", () => {
    const definitions = [text("tone", { default: "friendly" }), text("extra")];
    expect(render("[{tone}][{extra}]", {}, definitions)).toBe("[friendly][]");
    expect(render("[{tone}][{extra}]", { tone: "terse", extra: null }, definitions)).toBe("[terse][]");
  });

  it("accepts identifiers of letters, digits and underscores not starting with a digit", () => {
    expect(render("{_a1}{B_2}", { _a1: "x", B_2: "y" })).toBe("xy");
    expect(variablesUsed(compiled("{1a} {a-b} {a.b} { a } {a } {é}"))).toEqual([]);
    expect(render("{1a} {a-b} {a.b} { a } {a } {é}", { a: "no" })).toBe("{1a} {a-b} {a.b} { a } {a } {é}");
  });

  it("never reads inherited properties of the values object", () => {
    expect(render("[{constructor}][{toString}][{__proto__}]")).toBe("[][][]");
    expect(render("{% if constructor %}yes{% else %}no{% endif %}")).toBe("no");
  });
});

describe("literal braces", () => {
  it("reads {{ and }} as single braces", () => {
    expect(render("{{name}} is {name}; {{ and }}; {{{{", { name: "Ada" })).toBe("{name} is Ada; { and }; {{");
    expect(render("{{% if x %}}")).toBe("{% if x %}");
  });

  it("keeps JSON examples unchanged without escaping", () => {
    const json = 'Answer as JSON: {"a": {"b": [1, {"c": null}]}, "d": {}}\n{ "e": "}" }';
    expect(render(json)).toBe(json);
    expect(variablesUsed(compiled(json))).toEqual([]);
  });

  it("substitutes variables inside literal JSON braces", () => {
    expect(render('{"user": "{name}", "age": {age}}', { name: "Ada", age: 36 })).toBe('{"user": "Ada", "age": 36}');
  });

  it("keeps code and lone braces", () => {
    expect(render("function f() { return {}; }")).toBe("function f() { return {}; }");
    expect(render("a } b { c")).toBe("a } b { c");
    // Outside literal braces `}}` is an escape; inside, each `}` closes one literal `{`.
    expect(render("x }} y")).toBe("x } y");
    expect(render("{a: {b: 1}}}}")).toBe("{a: {b: 1}}}");
  });

  it("does not let escaped or substituted braces open literal braces", () => {
    expect(render("{{x}}}}", { x: "no" })).toBe("{x}}");
    expect(render("{x}}}", { x: "v" })).toBe("v}");
  });
});

describe("conditionals", () => {
  const source = "{% if vip %}Dear {name}{% else %}Hi{% endif %}{% if not vip %}!{% endif %}";

  it("renders the matching branch, with if not", () => {
    expect(render(source, { vip: true, name: "Ada" })).toBe("Dear Ada");
    expect(render(source, { vip: false, name: "Ada" })).toBe("Hi!");
  });

  it("treats false, empty, 0, null and absent as false and everything else as true", () => {
    const probe = "{% if x %}T{% else %}F{% endif %}";
    for (const value of [false, "", 0, null, undefined]) expect(render(probe, { x: value })).toBe("F");
    for (const value of [true, "0", "false", " ", 1, -1, 0.5]) expect(render(probe, { x: value })).toBe("T");
    expect(render(probe)).toBe("F");
  });

  it("nests", () => {
    const nested = "{% if a %}A{% if b %}B{% else %}b{% if not c %}!c{% endif %}{% endif %}{% else %}-{% if c %}C{% endif %}{% endif %}";
    expect(render(nested, { a: 1, b: 1 })).toBe("AB");
    expect(render(nested, { a: 1, b: 0 })).toBe("Ab!c");
    expect(render(nested, { a: 1, b: 0, c: 1 })).toBe("Ab");
    expect(render(nested, { a: 0, c: 1 })).toBe("-C");
    expect(render(nested, {})).toBe("-");
  });

  it("allows any whitespace inside tags", () => {
    expect(render("{%if x%}a{%else%}b{%endif%}", { x: true })).toBe("a");
    expect(render("{%  if \n not\tx  %}a{%\nelse %}b{% endif\n%}", { x: true })).toBe("b");
  });

  it("keeps the whitespace around tags", () => {
    expect(render("Hi\n{% if x %}\nline\n{% endif %}\nend", { x: true })).toBe("Hi\n\nline\n\nend");
  });
});

describe("syntax errors", () => {
  it("reports an unclosed if at its line and column", () => {
    expect(compileErrors("Hello\n  {% if vip %}dear")).toEqual([
      { code: "syntax", message: "{% if vip %} is never closed by {% endif %}", position: at(8, 2, 3) },
    ]);
  });

  it("reports stray and duplicate else/endif", () => {
    expect(compileErrors("a{% endif %}").map((error) => [error.message, error.position])).toEqual([["{% endif %} without an open {% if %}", at(1, 1, 2)]]);
    expect(compileErrors("{% else %}").map((error) => error.message)).toEqual(["{% else %} without an open {% if %}"]);
    expect(compileErrors("{% if a %}{% else %}\n{% else %}{% endif %}")).toEqual([
      { code: "syntax", message: "a second {% else %} in the same {% if %}", position: at(21, 2, 1) },
    ]);
  });

  it("reports malformed and unknown tags", () => {
    for (const tag of ["{% if %}", "{% if not %}", "{% if a b %}", "{% if 1a %}", "{% if not a b %}", "{% if a.b %}"]) {
      const [error, ...rest] = compileErrors(`${tag}{% endif %}`);
      expect(rest).toEqual([]);
      expect(error?.message).toMatch(/^malformed tag .*: expected \{% if name %\} or \{% if not name %\}$/);
      expect(error?.position).toEqual(at(0, 1, 1));
    }
    expect(compileErrors("x\n\n  {% for a in b %}")).toEqual([
      { code: "syntax", message: 'unknown tag "{% for a in b %}": expected if, else or endif (write {{% for a literal "{%")', position: at(5, 3, 3) },
    ]);
    expect(compileErrors("{%%}")[0]?.message).toMatch(/^unknown tag/);
    expect(compileErrors("{% endif x %}")[0]?.message).toMatch(/^unknown tag/);
  });

  it("reports a {% without %}", () => {
    expect(compileErrors("ok {% if x")).toEqual([{ code: "syntax", message: "`{%` is never closed by `%}`", position: at(3, 1, 4) }]);
  });

  it("collects every error", () => {
    const errors = compileErrors("{% endif %}\n{% bogus %}\n{% if x %}{% else %}{% else %}");
    expect(errors.map((error) => [error.message.slice(0, 14), error.position?.line])).toEqual([
      ["{% endif %} wi", 1],
      ['unknown tag "{', 2],
      ["a second {% el", 3],
      ["{% if x %} is ", 3],
    ]);
  });

  it("stops collecting at 100 errors", () => {
    expect(compileErrors("{% endif %}".repeat(500))).toHaveLength(100);
  });

  it("counts columns in UTF-16 code units after the last newline", () => {
    expect(compileErrors("é😀\r\né😀{% x %}")[0]?.position).toEqual(at(8, 2, 4));
  });
});

describe("values checked against definitions", () => {
  it("reports missing required variables at their first use, collecting every error", () => {
    const definitions: VariableDefinition[] = [
      text("name", { required: true }),
      { name: "count", type: "number", required: true },
      { name: "plan", type: "enum", required: true, values: ["free", "pro"] },
      { name: "unused", type: "string", required: true },
    ];
    expect(renderErrors("Hi\n  {% if count %}{name}{% endif %} {name} {plan}", { count: "3", plan: "gold" }, definitions)).toEqual([
      { code: "missing_variable", variable: "name", message: 'required variable "name" has no value', position: at(19, 2, 17) },
      { code: "type_mismatch", variable: "count", message: 'variable "count" must be a number, not "3"', position: at(5, 2, 3) },
      { code: "type_mismatch", variable: "plan", message: 'variable "plan" must be one of "free", "pro", not "gold"', position: at(44, 2, 42) },
      { code: "missing_variable", variable: "unused", message: 'required variable "unused" has no value' },
    ]);
  });

  it("checks defaults too", () => {
    expect(renderErrors("{n}", {}, [{ name: "n", type: "number", required: false, default: "x" }])).toEqual([
      { code: "type_mismatch", variable: "n", message: 'the default of variable "n" must be a number, not "x"', position: at(0, 1, 1) },
    ]);
  });

  it("rejects non-finite numbers", () => {
    expect(renderErrors("{n}", { n: Number.NaN }, [{ name: "n", type: "number", required: true }])[0]?.code).toBe("type_mismatch");
  });

  it("renders undeclared variables unless strict", () => {
    expect(render("{a}{b}", { a: "x", c: 1 }, [text("b")])).toBe("x");
    expect(renderErrors("{a}", { a: { nested: true } }, [])[0]).toMatchObject({ code: "type_mismatch", variable: "a", position: at(0, 1, 1) });
  });

  it("in strict mode, rejects variables supplied or used but not declared", () => {
    expect(renderErrors("x\n{used} {b}", { extra: "1", b: "ok" }, [text("b")], true)).toEqual([
      { code: "unknown_variable", variable: "extra", message: 'variable "extra" is not declared in the prompt\'s variables' },
      { code: "unknown_variable", variable: "used", message: 'variable "used" is not declared in the prompt\'s variables', position: at(2, 2, 1) },
    ]);
    expect(render("{b}", { b: "ok" }, [text("b")], true)).toBe("ok");
  });
});

describe("coerceVariables", () => {
  const definitions: VariableDefinition[] = [
    { name: "n", type: "number", required: false },
    { name: "flag", type: "boolean", required: false },
    { name: "plan", type: "enum", required: false, values: ["free", "pro"] },
    { name: "s", type: "string", required: false },
  ];

  it("turns query-string values into typed values", () => {
    expect(coerceVariables({ n: "-1.5e3", flag: "false", plan: "pro", s: "42" }, definitions)).toEqual({
      ok: true,
      values: { n: -1500, flag: false, plan: "pro", s: "42" },
    });
    expect(coerceVariables({ n: 7, flag: true }, definitions)).toEqual({ ok: true, values: { n: 7, flag: true } });
    for (const n of ["0", "42", ".5", "5.", "-0.25", "1E3"]) expect(coerceVariables({ n }, definitions)).toEqual({ ok: true, values: { n: Number(n) } });
  });

  it("rejects values of the wrong type, naming the variable", () => {
    for (const n of ["", " 1", "1 ", "0x10", "Infinity", "1e999", "1_000", "4two", "-", "true"]) {
      expect(coerceVariables({ n }, definitions)).toEqual({
        ok: false,
        errors: [{ code: "type_mismatch", variable: "n", message: `variable "n" must be a number, not ${JSON.stringify(n)}` }],
      });
    }
    const result = coerceVariables({ flag: "yes", plan: "gold", s: 3 }, definitions);
    expect(result.ok ? [] : result.errors.map((error) => [error.variable, error.message])).toEqual([
      ["flag", 'variable "flag" must be true or false, not "yes"'],
      ["plan", 'variable "plan" must be one of "free", "pro", not "gold"'],
      ["s", 'variable "s" must be a string, not 3'],
    ]);
  });

  it("applies defaults (coercing them) and reports missing required variables", () => {
    const withDefaults: VariableDefinition[] = [
      { name: "n", type: "number", required: true, default: "5" },
      { name: "lang", type: "string", required: false, default: "en" },
      { name: "who", type: "string", required: true },
      { name: "opt", type: "string", required: false },
    ];
    expect(coerceVariables({ who: "Ada" }, withDefaults)).toEqual({ ok: true, values: { n: 5, lang: "en", who: "Ada" } });
    expect(coerceVariables({}, withDefaults)).toEqual({
      ok: false,
      errors: [{ code: "missing_variable", variable: "who", message: 'required variable "who" has no value' }],
    });
  });

  it("passes undeclared names through, safely", () => {
    const raw = JSON.parse('{"__proto__": "x", "other": "1"}') as Record<string, string>;
    const result = coerceVariables(raw, [text("__proto__", { required: true })]);
    expect(result.ok && Object.getPrototypeOf(result.values)).toBe(Object.prototype);
    expect(result.ok && Object.entries(result.values)).toEqual([
      ["__proto__", "x"],
      ["other", "1"],
    ]);
  });

  it("feeds renderTemplate", () => {
    const coerced = coerceVariables({ n: "3", flag: "true" }, definitions);
    expect(coerced.ok && render("{% if flag %}{n}{% endif %}", coerced.values, definitions, true)).toBe("3");
  });
});

describe("variablesUsed", () => {
  it("lists variables and conditions in order of first use, once", () => {
    expect(variablesUsed(compiled("{b} {% if not a %}{b}{c}{% else %}{d}{% endif %} {a} {{e}}"))).toEqual(["b", "a", "c", "d"]);
  });
});

describe("chat messages", () => {
  const messages = [
    { role: "system" as const, content: "You help {name}." },
    { role: "user" as const, content: "{% if question %}{question}{% else %}Hello{% endif %}" },
  ];
  const definitions = [text("name", { required: true }), text("question")];

  it("renders every message with the same values", () => {
    const compiledMessages = compileMessages(messages);
    if (!compiledMessages.ok) throw new Error("expected the messages to compile");
    expect(renderMessages(compiledMessages.messages, { name: "Ada" }, definitions)).toEqual({
      ok: true,
      messages: [
        { role: "system", content: "You help Ada." },
        { role: "user", content: "Hello" },
      ],
    });
  });

  it("names the message of each error", () => {
    expect(compileMessages([{ role: "user", content: "ok" }, { role: "assistant", content: "{% if x %}" }])).toEqual({
      ok: false,
      errors: [{ code: "syntax", message: "{% if x %} is never closed by {% endif %}", position: at(0, 1, 1), message_index: 1 }],
    });
    const compiledMessages = compileMessages([{ role: "system", content: "x" }, ...messages]);
    if (!compiledMessages.ok) throw new Error("expected the messages to compile");
    expect(renderMessages(compiledMessages.messages, { question: 1, stray: "" }, definitions, { strict: true })).toEqual({
      ok: false,
      errors: [
        { code: "missing_variable", variable: "name", message: 'required variable "name" has no value', position: at(9, 1, 10), message_index: 1 },
        { code: "type_mismatch", variable: "question", message: 'variable "question" must be a string, not 1', position: at(0, 1, 1), message_index: 2 },
        { code: "unknown_variable", variable: "stray", message: 'variable "stray" is not declared in the prompt\'s variables' },
      ],
    });
  });

  it("applies the output limit to all messages together", () => {
    const half = "x".repeat(TEMPLATE_LIMITS.outputChars / 2);
    const compiledMessages = compileMessages([0, 1, 2].map(() => ({ role: "user" as const, content: "{v}" })));
    if (!compiledMessages.ok) throw new Error("expected the messages to compile");
    expect(renderMessages(compiledMessages.messages.slice(0, 2), { v: half }, []).ok).toBe(true);
    expect(renderMessages(compiledMessages.messages, { v: half }, [])).toMatchObject({ ok: false, errors: [{ code: "limit_exceeded" }] });
  });
});

describe("limits", () => {
  it("limits the source length", () => {
    expect(compileTemplate("a".repeat(TEMPLATE_LIMITS.sourceChars)).ok).toBe(true);
    expect(compileTemplate("a".repeat(TEMPLATE_LIMITS.sourceChars + 1))).toEqual({
      ok: false,
      errors: [{ code: "limit_exceeded", message: "the template has 100001 characters; at most 100000 are allowed" }],
    });
  });

  it("limits nesting to 32", () => {
    const nest = (depth: number) => `${"{% if x %}".repeat(depth)}deep${"{% endif %}".repeat(depth)}`;
    expect(render(nest(32), { x: true })).toBe("deep");
    expect(compileErrors(nest(33))).toEqual([{ code: "limit_exceeded", message: "ifs are nested more than 32 deep", position: at(320, 1, 321) }]);
  });

  it("limits the rendered length", () => {
    const template = compiled("{v}".repeat(10));
    expect(renderTemplate(template, { v: "x".repeat(100_000) }, []).ok).toBe(true);
    expect(renderTemplate(template, { v: "x".repeat(100_001) }, [])).toEqual({
      ok: false,
      errors: [{ code: "limit_exceeded", message: "the rendered text would exceed 1000000 characters" }],
    });
    // A huge value used many times stops at the limit instead of building gigabytes.
    expect(renderTemplate(compiled("{v}".repeat(30_000)), { v: "x".repeat(1_000_000) }, []).ok).toBe(false);
  });

  // A quadratic or catastrophic scan would outlive this test's timeout (no wall-clock assertion).
  it("handles adversarial sources without hanging or throwing", () => {
    for (const unit of ["{%", "{", "}", "{a", "{{", "}}", "{% if a %}", "{% endif %}", "{%x%}", "{a}", "%}", "{% if"]) {
      const source = unit.repeat(Math.floor(TEMPLATE_LIMITS.sourceChars / unit.length));
      const result = compileTemplate(source);
      expect(typeof result.ok).toBe("boolean");
      if (result.ok) expect(typeof renderTemplate(result.template, { a: true }, []).ok).toBe("boolean");
    }
  }, 10_000);
});

/** The text that renders as `text`: every brace doubled. */
const escape = (text: string) => text.replaceAll("{", "{{").replaceAll("}", "}}");
const anyText = fc.string({ unit: "binary", maxLength: 60 });

describe("properties", () => {
  it("a template without braces renders to itself", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }).map((text) => text.replace(/[{}]/g, "")), (text) => {
        expect(render(text)).toBe(text);
      }),
    );
  });

  it("escaping any text and rendering gives the text back", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("{", "}", "%", "{%", "%}", "a", " ", "\n", "if", "é") }), anyText, (pattern, text) => {
        expect(render(escape(pattern))).toBe(pattern);
        expect(render(escape(text))).toBe(text);
      }),
    );
  });

  type Value = string | number | boolean | undefined;
  type Node =
    | { kind: "text"; text: string; source: string }
    | { kind: "variable"; name: string }
    | { kind: "if"; name: string; negate: boolean; then: Node[]; else: Node[] | null; spaces: [string, string] };

  const names = ["a", "b", "_c", "d9"] as const;
  const space = fc.constantFrom("", " ", "  ", "\n", "\t ");
  const { nodes } = fc.letrec<{ node: Node; nodes: Node[] }>((tie) => ({
    node: fc.oneof(
      { maxDepth: 5 },
      anyText.map((text): Node => ({ kind: "text", text, source: escape(text) })),
      // Literal JSON, balanced, needs no escaping.
      fc.constantFrom('{"k": [1, 2]}', '{"a": {"b": {}}}', "{}", "{ }").map((json): Node => ({ kind: "text", text: json, source: json })),
      fc.constantFrom(...names).map((name): Node => ({ kind: "variable", name })),
      fc.record({
        kind: fc.constant("if" as const),
        name: fc.constantFrom(...names),
        negate: fc.boolean(),
        then: tie("nodes"),
        else: fc.option(tie("nodes")),
        spaces: fc.tuple(space, space),
      }),
    ),
    nodes: fc.array(tie("node"), { maxLength: 4 }),
  }));

  const print = (list: Node[]): string =>
    list
      .map((node) => {
        if (node.kind === "text") return node.source;
        if (node.kind === "variable") return `{${node.name}}`;
        const [before, after] = node.spaces;
        const open = `{%${before}if ${node.negate ? "not " : ""}${node.name}${after || " "}%}`;
        return `${open}${print(node.then)}${node.else ? `{%${after}else${before}%}${print(node.else)}` : ""}{%${before}endif%}`;
      })
      .join("");

  const evaluate = (list: Node[], values: Record<string, Value>): string =>
    list
      .map((node) => {
        if (node.kind === "text") return node.text;
        const value = values[node.name];
        if (node.kind === "variable") return value === undefined ? "" : String(value);
        const truthy = value !== undefined && value !== false && value !== "" && value !== 0;
        return evaluate((truthy !== node.negate ? node.then : node.else) ?? [], values);
      })
      .join("");

  const valuesFor = fc.record(
    Object.fromEntries(names.map((name) => [name, fc.option(fc.oneof(anyText, fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()), { nil: undefined })])),
  ) as fc.Arbitrary<Record<string, Value>>;

  it("well-formed templates render as a reference evaluator of the same tree does", () => {
    fc.assert(
      fc.property(nodes, valuesFor, fc.boolean(), (tree, values, declare) => {
        const definitions: VariableDefinition[] = declare
          ? names.map((name) => {
              const value = values[name];
              const type = typeof value === "number" ? "number" : typeof value === "boolean" ? "boolean" : "string";
              return { name, type, required: value !== undefined };
            })
          : [];
        expect(render(print(tree), values, definitions, declare)).toBe(evaluate(tree, values));
      }),
    );
  });

  it("the compiler never throws, whatever the input", () => {
    const fragments = fc.constantFrom("{", "}", "{{", "}}", "{%", "%}", "%", "if", " not ", "else", "endif", "x", " ", "\n", "{x}", '"');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.array(fragments).map((parts) => parts.join(""))), (source) => {
        const result = compileTemplate(source);
        if (result.ok) expect(renderTemplate(result.template, { x: "1" }, []).ok).toBe(true);
        else expect(result.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
