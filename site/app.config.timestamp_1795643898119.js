// app.config.ts
import { defineConfig } from "@solidjs/start/config";
var app_config_default = defineConfig({
  server: {
    preset: "cloudflare-module",
    cloudflare: {
      // Generate the wrangler config next to the worker so `wrangler dev`/`deploy` need no flags.
      deployConfig: true,
      nodeCompat: true
    }
  },
  vite: {
    // Vite's HMR websocket servers (one per router) listen on random ports on every interface
    // unless given a host; keep them on loopback like the dev server itself.
    server: { hmr: { host: "127.0.0.1" } }
  }
});
export {
  app_config_default as default
};
