import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parsePromptFile, PromptFileError, serializePromptFile, versionFingerprint, type PromptDocument } from "./prompt-file.ts";
import { checkTemplates } from "./template-check.ts";

const text: PromptDocument = {
  name: "Welcome e-mail",
  description: "Sent after sign-up",
  tags: ["onboarding", "email"],
  variables: [
    { name: "user", type: "string", required: true },
    { name: "plan", type: "enum", required: false, values: ["Pro", "Team"], default: "Pro" },
  ],
  model_config: { provider: "openai", model: "gpt-4o-mini", temperature: 0.2, seed: 7 },
  content: "Hello {user}!\n\n{% if plan %}You are on {plan}.{% endif %}",
};
const chat: PromptDocument = {
  name: "Support bot",
  description: null,
  tags: [],
  variables: [{ name: "question", type: "string", required: true }],
  model_config: {},
  messages: [
    { role: "system", content: "You answer briefly.\n\nNever promise refunds." },
    { role: "user", content: "{question}" },
    { role: "assistant", content: "" },
  ],
};

describe("prompt file", () => {
  it("writes front matter then the template, and reads the same document back", () => {
    const file = serializePromptFile(text);
    expect(file).toBe(
      [
        "---",
        "name: Welcome e-mail",
        "description: Sent after sign-up",
        "tags:",
        "  - onboarding",
        "  - email",
        "type: text",
        "variables:",
        "  - name: user",
        "    type: string",
        "    required: true",
        "  - name: plan",
        "    type: enum",
        "    required: false",
        "    values:",
        "      - Pro",
        "      - Team",
        "    default: Pro",
        "model_config:",
        "  provider: openai",
        "  model: gpt-4o-mini",
        "  temperature: 0.2",
        "  seed: 7",
        "---",
        "Hello {user}!",
        "",
        "{% if plan %}You are on {plan}.{% endif %}",
        "",
      ].join("\n"),
    );
    expect(parsePromptFile(file)).toEqual({ document: text, location: { content: 25 } });
  });

  it("writes a chat prompt as one marked section per message", () => {
    const file = serializePromptFile(chat);
    expect(file).toContain("type: chat\n");
    expect(file).toContain("---\n<!-- xr2:system -->\nYou answer briefly.\n\nNever promise refunds.\n<!-- xr2:user -->\n{question}\n<!-- xr2:assistant -->\n\n");
    const { document, location } = parsePromptFile(file);
    expect(document).toEqual(chat);
    expect(location.messages).toEqual([10, 14, 16]);
  });

  it("falls back to messages in the front matter when a message holds a marker line", () => {
    const tricky: PromptDocument = { ...chat, messages: [{ role: "user", content: "Quote:\n<!-- xr2:system -->\nend" }] };
    const file = serializePromptFile(tricky);
    expect(file).toMatch(/messages:\n/);
    expect(file.endsWith("---\n")).toBe(true);
    expect(parsePromptFile(file).document).toEqual(tricky);
  });

  it("round-trips any text and any chat prompt", () => {
    const body = fc.string({ unit: fc.constantFrom("a", "{", "}", "\n", " ", "-", "<!-- xr2:user -->", "---", "é", "\r") });
    const variables = fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), type: fc.constantFrom("string" as const, "number" as const), required: fc.boolean() }), { selector: (variable) => variable.name, maxLength: 3 });
    const base = { name: fc.string({ minLength: 1 }).filter((name) => name.trim() !== ""), description: fc.option(fc.string({ minLength: 1 }), { nil: null }), tags: fc.array(fc.stringMatching(/^[a-z]{1,6}$/), { maxLength: 3 }), variables, model_config: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.oneof(fc.integer(), fc.string())) };
    const textPrompt = fc.record({ ...base, content: body.filter((content) => !content.includes("\r")) });
    const chatPrompt = fc.record({ ...base, messages: fc.array(fc.record({ role: fc.constantFrom("system" as const, "user" as const, "assistant" as const), content: body.filter((content) => !content.includes("\r")) }), { minLength: 1, maxLength: 4 }) });
    fc.assert(
      fc.property(fc.oneof(textPrompt, chatPrompt), (document) => {
        const expected = { ...document, description: document.description === "" ? null : document.description } as PromptDocument;
        expect(parsePromptFile(serializePromptFile(expected)).document).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("round-trips text with lines of only spaces where it goes into the front matter (fast-check's finds)", () => {
    const base = { name: "!", description: "first line\n \nthird", tags: [], variables: [], model_config: {} };
    for (const messages of [
      [{ role: "system" as const, content: "<!-- xr2:user -->" }, { role: "system" as const, content: " \n" }],
      [{ role: "system" as const, content: "<!-- xr2:user -->\n \n<!-- xr2:user -->" }, { role: "system" as const, content: "" }],
    ]) {
      const document = { ...base, messages } as PromptDocument;
      expect(parsePromptFile(serializePromptFile(document)).document).toEqual(document);
    }
  });

  it("gives the same fingerprint to what the API stores and what the file says, defaults included", () => {
    const fromApi = { ...text, variables: text.variables.map((variable) => ({ required: false, ...variable })) };
    const fromFile = { ...text, variables: [{ name: "user", type: "string" as const, required: true }, { name: "plan", type: "enum" as const, values: ["Pro", "Team"], default: "Pro" }], model_config: { seed: 7, temperature: 0.2, model: "gpt-4o-mini", provider: "openai" } };
    expect(versionFingerprint(fromFile)).toBe(versionFingerprint(fromApi));
    expect(versionFingerprint({ ...fromFile, content: "Hello {user}." })).not.toBe(versionFingerprint(fromApi));
  });

  it("reports malformed files with their line", () => {
    const failure = (file: string) => {
      try {
        parsePromptFile(file);
      } catch (error) {
        expect(error).toBeInstanceOf(PromptFileError);
        return { message: (error as PromptFileError).message, line: (error as PromptFileError).line };
      }
      throw new Error("parsed");
    };
    expect(failure("Hello")).toMatchObject({ line: 1 });
    expect(failure("---\nname: x\nHello")).toMatchObject({ message: expect.stringContaining("never closed") });
    expect(failure("---\nname: x\ncolour: red\n---\nHello\n")).toEqual({ message: expect.stringContaining('unknown front matter field "colour"'), line: 3 });
    expect(failure("---\ndescription: x\n---\nHello\n")).toMatchObject({ message: "the front matter needs a name" });
    expect(failure("---\nname: x\ntype: chat\n---\nstray text\n<!-- xr2:user -->\nHi\n")).toMatchObject({ line: 5 });
  });
});

describe("template check", () => {
  it("names the file line, column and variable of a template error", () => {
    const file = serializePromptFile({ ...text, content: "Hello {user}!\nYour order {order_id} shipped." });
    const { document, location } = parsePromptFile(file);
    expect(checkTemplates("prompts/welcome.md", document, location)).toEqual([
      { file: "prompts/welcome.md", line: 26, column: 12, variable: "order_id", code: "unknown_variable", message: 'variable "order_id" is not declared in the prompt\'s variables' },
    ]);
    expect(checkTemplates("prompts/welcome.md", parsePromptFile(serializePromptFile(text)).document, { content: 25 })).toEqual([]);
  });

  it("finds a syntax error in a chat message at its line in the file", () => {
    const file = serializePromptFile({ ...chat, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Line one\n{% if vip %}VIP" }] });
    const { document, location } = parsePromptFile(file);
    const errors = checkTemplates("prompts/bot.md", document, location);
    expect(errors.map((error) => [error.line, error.code])).toEqual([[13, "syntax"]]);
  });
});
