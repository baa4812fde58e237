/**
 * @xr2/sdk: prompts from xR2, cached and rendered in-process, with exposures and business events
 * delivered in the background. Fetch only: runs in Node ≥ 18, browsers, Workers, Deno, Bun and
 * React Native from one build.
 */
export { XR2 } from "./client.js";
export { PromptNotFoundError, PromptUnavailableError, TemplateRenderError, XR2Error } from "./errors.js";
export type * from "./types.js";
