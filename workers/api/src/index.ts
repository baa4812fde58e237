/** The API worker's entry points: HTTP (management API), the events queue (and its dead letters), and RPC for the edge. */
import { createApiApp } from "./app.ts";
import { consumeQueue } from "./queue/consume-queue.ts";

export { EdgeBackend } from "./entrypoints/edge-backend.ts";

const app = createApiApp();

export default {
  fetch: app.fetch,
  queue: consumeQueue,
} satisfies ExportedHandler<Record<string, unknown>>;
