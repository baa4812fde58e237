// SolidStart (vinxi + nitro) configuration for the xR2 management site.
// The production build targets a Cloudflare Worker with static assets (`cloudflare-module`);
// nitro writes `.output/server/wrangler.json` by merging `./wrangler.jsonc` with the entry and
// assets it produced. `vinxi dev` ignores the preset and serves from Node.
// The dev server's host and port are not configurable here: vinxi reads them from the
// `HOST` environment variable and the `--port` flag (see the `dev` script in package.json).
import { readFileSync } from "node:fs";
import { defineConfig } from "@solidjs/start/config";

// Every library the pages import, pre-bundled when the dev server starts: a dependency Vite
// first meets on a page's lazy import (the editor's CodeMirror, the import dialog's YAML) would
// otherwise make it re-bundle and reload the open page. Read from package.json, so that a new
// dependency cannot be forgotten here; the framework's own packages are Vite's plugin's business.
const framework = new Set(["@solidjs/start", "solid-js", "vinxi"]);
const manifest = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { dependencies: Record<string, string> };
const pageDependencies = Object.keys(manifest.dependencies).filter((name) => !framework.has(name));

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
    optimizeDeps: { include: pageDependencies },
  },
});
