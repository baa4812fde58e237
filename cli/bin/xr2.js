#!/usr/bin/env node
// The `xr2` command. In the repository it runs the TypeScript sources through tsx (so `npx xr2`
// needs no build step); an installed package runs the bundle `npm run build` made (dist/xr2.js).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const source = new URL("../src/main.ts", import.meta.url);
if (existsSync(fileURLToPath(source))) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import("../dist/xr2.js");
}
