/**
 * The errors getPrompt can throw. Everything about xR2 being slow, down, rate limiting or
 * refusing the key is absorbed (cache, bootstrap, fallback); what is left is the caller's to fix:
 * a slug that exists nowhere, values the template refuses, or no answer at all for a slug that
 * has neither cache, bootstrap nor fallback.
 */
import type { TemplateError } from "./types.js";

export class XR2Error extends Error {
  override name = "XR2Error";
}

/** The slug is published nowhere in this environment (xR2 said 404) and has no fallback. */
export class PromptNotFoundError extends XR2Error {
  override name = "PromptNotFoundError";
  constructor(
    readonly slug: string,
    readonly environment: string,
  ) {
    super(`Prompt "${slug}" is not published to ${environment} and has no fallback`);
  }
}

/** xR2 could not be reached for a slug with no cached copy, no bootstrap and no fallback. */
export class PromptUnavailableError extends XR2Error {
  override name = "PromptUnavailableError";
  constructor(
    readonly slug: string,
    reason: string,
  ) {
    super(`Prompt "${slug}" could not be fetched (${reason}) and has no cached copy, bootstrap or fallback`);
  }
}

/**
 * The template engine refused: `VALIDATION_FAILED` for the caller's values (as the edge answers
 * 400), `TEMPLATE_INVALID` for a template that does not compile. `errors` are the engine's.
 */
export class TemplateRenderError extends XR2Error {
  override name = "TemplateRenderError";
  constructor(
    readonly slug: string,
    readonly code: "VALIDATION_FAILED" | "TEMPLATE_INVALID",
    readonly errors: TemplateError[],
    message?: string,
  ) {
    super(message ?? describe(slug, errors));
  }
}

/** The first error's message, then every variable with a problem, as the edge words it. */
function describe(slug: string, errors: TemplateError[]): string {
  const names = [...new Set(errors.map((error) => error.variable).filter(Boolean))];
  const first = errors[0]?.message ?? "invalid variables";
  return `Prompt "${slug}": ${first}${names.length > 1 ? ` (variables with problems: ${names.join(", ")})` : ""}`;
}
