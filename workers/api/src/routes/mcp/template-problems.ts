/**
 * What is wrong with a draft's template before it is saved: syntax errors, and variables used but
 * not declared (when variables are declared), each with its position, found by the template engine
 * the edge renders with.
 */
import { compileMessages, compileTemplate, renderMessages, renderTemplate, type ChatMessage, type MessageTemplateError, type VariableDefinition } from "@xr2/shared";

export function templateProblems(input: { content?: string | undefined; messages?: ChatMessage[] | undefined; variables?: VariableDefinition[] | undefined }): MessageTemplateError[] {
  const compiled = input.messages === undefined ? compileTemplate(input.content ?? "") : compileMessages(input.messages);
  if (!compiled.ok) return compiled.errors;
  if (input.variables === undefined) return [];
  // Strict rendering with every variable optional reports exactly the undeclared ones, at their first use.
  const optional = input.variables.map((variable) => ({ ...variable, required: false }));
  const rendered = "template" in compiled ? renderTemplate(compiled.template, {}, optional, { strict: true }) : renderMessages(compiled.messages, {}, optional, { strict: true });
  return rendered.ok ? [] : rendered.errors.filter((error) => error.code === "unknown_variable");
}

