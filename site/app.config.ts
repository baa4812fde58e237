// SolidStart (vinxi + nitro) configuration for the xR2 management site.
// The production build targets a Cloudflare Worker with static assets (`cloudflare-module`);
// nitro writes `.output/server/wrangler.json` by merging `./wrangler.jsonc` with the entry and
// assets it produced. `vinxi dev` ignores the preset and serves from Node.
// The dev server's host and port are not configurable here: vinxi reads them from the
// `HOST` environment variable and the `--port` flag (see the `dev` script in package.json).
import { defineConfig } from "@solidjs/start/config";

export default defineConfig({
  // Rendered in the browser only: every page sits behind a sign-in whose tokens live there.
  ssr: false,
  // Content-Security-Policy with a nonce per document, frame and sniffing protection.
  middleware: "./src/middleware.ts",
  server: {
    preset: "cloudflare-module",
    cloudflare: {
      // Generate the wrangler config next to the worker so `wrangler dev`/`deploy` need no flags.
      deployConfig: true,
      nodeCompat: true,
    },
  },
  vite: {
    // Vite's HMR websocket servers (one per router) listen on random ports on every interface
    // unless given a host; keep them on loopback like the dev server itself.
    server: { hmr: { host: "127.0.0.1" } },
    // Pre-bundled when the dev server starts: a dependency Vite first meets on a page's lazy
    // import (the editor's CodeMirror) would otherwise make it re-bundle and reload the open page.
    optimizeDeps: {
      include: ["codemirror", "@codemirror/view", "@codemirror/state", "@codemirror/merge", "@codemirror/autocomplete", "@codemirror/language", "@codemirror/lang-json", "@solidjs/router"],
    },
  },
});
