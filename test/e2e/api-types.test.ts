/**
 * The site's types of the API (site/src/api/openapi.d.ts, written by `npm run api-types` and every
 * `npm run build` from the OpenAPI document): current with the routes, and binding. The site's
 * calls go through site/src/api/contract.ts, typed by these, so a response field renamed in a route's
 * schema fails the site's typecheck: shown here by compiling the site's contract probe
 * (site/src/api/contract-probe.ts) against the generated file as it is, and against a copy in which
 * the prompt's `slug` is renamed.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { API_TYPES_FILE, apiTypesText } from "../../scripts/api-types.ts";

const SITE = resolve(import.meta.dirname, "../../site");
const PROBE = join(SITE, "src/api/contract-probe.ts");

let fresh: string;
beforeAll(async () => {
  fresh = await apiTypesText();
}, 60_000);

/** Type errors of the probe (and what it imports) with the site's compiler options, the generated file replaced by `contract`. */
function probeErrors(contract: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(SITE, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (resolve(file) === API_TYPES_FILE ? contract : readFile(file));
  const program = ts.createProgram({ rootNames: [PROBE], options: config.options, host });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => `${diagnostic.file ? `${diagnostic.file.fileName.slice(dirname(SITE).length + 1)}: ` : ""}${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
}

describe("the site's types of the API", () => {
  it("are generated from the current OpenAPI document (run `npm run api-types` when this fails)", () => {
    expect(readFileSync(API_TYPES_FILE, "utf8") === fresh, "site/src/api/openapi.d.ts is stale: run npm run api-types").toBe(true);
  });

  it("type the site's calls: the probe compiles against the contract, and a renamed response field fails it", () => {
    expect(probeErrors(fresh)).toEqual([]);
    const prompt = fresh.indexOf("        Prompt: {");
    const end = fresh.indexOf("\n        };", prompt);
    expect(prompt).toBeGreaterThan(0);
    const renamed = `${fresh.slice(0, prompt)}${fresh.slice(prompt, end).replace("            slug: string;", "            handle: string;")}${fresh.slice(end)}`;
    expect(renamed).not.toBe(fresh);
    const errors = probeErrors(renamed);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join("\n")).toMatch(/contract-probe\.ts: Property 'slug' does not exist/);
  }, 120_000);
});
