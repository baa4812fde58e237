/** Reading a route's middleware chain from the router (the OpenAPI document, access-token admission). */
import { COMPOSED_HANDLER } from "hono/utils/constants";

/** Sub-apps with their own error handler wrap each handler; the original is kept on the wrapper. */
export function unwrapHandler(handler: unknown): unknown {
  const inner = (handler as Record<string, unknown>)[COMPOSED_HANDLER];
  return typeof inner === "function" ? unwrapHandler(inner) : handler;
}
