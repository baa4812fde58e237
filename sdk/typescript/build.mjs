// Builds the published package: dist/index.js, one ESM file with the template engine and the
// assignment hash bundled in from workers/shared, and dist/*.d.ts, the declarations of the SDK's
// own public modules only (they import nothing outside dist, so the package type-checks alone).
import { build } from "esbuild";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: [join(here, "src/index.ts")],
  outfile: join(dist, "index.js"),
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  legalComments: "none",
});

const configPath = join(here, "tsconfig.json");
const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) });
const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
const diagnostics = ts.getPreEmitDiagnostics(program);
if (diagnostics.length > 0) fail(diagnostics);
const published = new Set(["index.d.ts", "client.d.ts", "errors.d.ts", "types.d.ts"]);
const sourceDeclarations = join(config.options.outDir, "sdk/typescript/src");
program.emit(undefined, (fileName, text) => {
  const name = relative(sourceDeclarations, fileName);
  if (!published.has(name)) return;
  for (const [, target] of text.matchAll(/from "([^"]+)"/g)) {
    if (!target.startsWith("./") || !published.has(target.slice(2).replace(/\.js$/, ".d.ts"))) {
      fail([`${name} imports ${target}, which is not published: keep public types in src/types.ts`]);
    }
  }
  writeFileSync(join(dist, name), text);
});
for (const name of published) {
  if (!ts.sys.fileExists(join(dist, name))) fail([`${name} was not emitted`]);
}

function fail(problems) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => here, getNewLine: () => "\n" };
  for (const problem of problems) {
    console.error(typeof problem === "string" ? problem : ts.formatDiagnostic(problem, host));
  }
  process.exit(1);
}
