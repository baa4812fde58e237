/** The API worker's entry points: HTTP (management API), the events queue, and RPC for the edge. */
import { createApiApp } from "./app.ts";
import { consumeEvents } from "./queue/consume-events.ts";

export { EdgeBackend } from "./entrypoints/edge-backend.ts";

const app = createApiApp();

export default {
  fetch: app.fetch,
  queue: consumeEvents,
} satisfies ExportedHandler<Record<string, unknown>>;
