import { createEdgeApp } from "./app.ts";

const app = createEdgeApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Record<string, unknown>>;
