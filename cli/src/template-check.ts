/**
 * Checks a prompt file's templates with the engine the edge renders them with (bundled from
 * workers/shared), before push sends anything: syntax errors, and variables the template uses
 * but the front matter does not declare. Each error names the file's line and the variable.
 */
import { compileTemplate, renderTemplate, type TemplateError } from "../../workers/shared/src/template/index.ts";
import type { BodyLocation, PromptDocument } from "./prompt-file.ts";

export interface FileTemplateError {
  file: string;
  line: number;
  column: number | null;
  variable: string | null;
  code: TemplateError["code"];
  message: string;
}

export function checkTemplates(file: string, document: PromptDocument, location: BodyLocation): FileTemplateError[] {
  const sources = document.messages === undefined ? [{ text: document.content ?? "", line: location.content ?? 1 }] : document.messages.map((message, index) => ({ text: message.content, line: location.messages?.[index] ?? 1 }));
  // Declared variables, all optional and without values: a strict render then fails only on
  // names the template uses without declaring them.
  const definitions = document.variables
    .filter((variable) => typeof variable.name === "string")
    .map((variable) => ({ name: variable.name, type: "string" as const, required: false }));
  const errors: FileTemplateError[] = [];
  for (const source of sources) {
    const compiled = compileTemplate(source.text);
    const found = compiled.ok ? (() => {
      const rendered = renderTemplate(compiled.template, {}, definitions, { strict: true });
      return rendered.ok ? [] : rendered.errors.filter((error) => error.code === "unknown_variable" || error.code === "syntax");
    })() : compiled.errors;
    for (const error of found) {
      errors.push({
        file,
        line: source.line + (error.position ? error.position.line - 1 : 0),
        column: error.position?.column ?? null,
        variable: error.variable ?? null,
        code: error.code,
        message: error.message,
      });
    }
  }
  return errors;
}
