/**
 * xr2 export, import and bundle: whole-workspace documents.
 * - export / import move the portable JSON or YAML document of GET /api/prompts/export and
 *   POST /api/prompts/import (imported versions are always drafts).
 * - import --from langfuse|promptlayer converts another product's export first (../importers).
 * - bundle writes the SDK bootstrap bundle: what the edge serves at GET /api/v1/prompts?env=…,
 *   read from the edge with a product API key (XR2_EDGE_URL, XR2_API_KEY), because that is the
 *   exact document the SDKs load; the management API has no copy of it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { convertExport, IMPORT_SOURCES, type ImportSource } from "../importers/index.ts";
import { CliError, EXIT } from "../output.ts";
import { apiFor, environmentFlag, type CommandContext, type CommandResult } from "./context.ts";

const PORTABLE_FORMAT_VERSION = 1;

export async function exportPrompts(context: CommandContext): Promise<CommandResult> {
  const format = context.flags.format ?? (context.flags.out?.match(/\.ya?ml$/) ? "yaml" : "json");
  if (format !== "json" && format !== "yaml") throw new CliError("--format is json or yaml", EXIT.usage);
  if (context.output.json && format === "yaml" && context.flags.out === undefined) throw new CliError("--json prints the export as JSON; for YAML, pass --out <file>", EXIT.usage);
  const api = apiFor(context);
  context.output.progress("exporting…");
  const response = await api.request<unknown>("GET", `/api/prompts/export?format=${format}`, { accept: format === "yaml" ? "application/yaml" : "application/json" });
  const text = typeof response.body === "string" ? response.body : JSON.stringify(response.body, null, 2);
  const count = format === "json" ? ((typeof response.body === "string" ? JSON.parse(response.body) : response.body) as { prompts: unknown[] }).prompts.length : null;
  if (context.flags.out !== undefined) {
    writeFileSync(context.flags.out, text.endsWith("\n") ? text : `${text}\n`);
    context.output.say(`Exported ${count ?? "the"} prompts to ${context.flags.out}`);
    return { json: { file: context.flags.out, format, prompts: count } };
  }
  if (!context.output.json) process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  return { json: typeof response.body === "string" ? JSON.parse(response.body) : response.body };
}

export async function importPrompts(context: CommandContext): Promise<CommandResult> {
  if (context.positionals.length !== 1) throw new CliError("usage: xr2 import <file> [--from langfuse|promptlayer] [--on-conflict skip|new_versions]", EXIT.usage);
  const file = context.positionals[0]!;
  const onConflict = context.flags.onConflict ?? "skip";
  if (onConflict !== "skip" && onConflict !== "new_versions") throw new CliError("--on-conflict is skip or new_versions", EXIT.usage);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${(error as Error).message}`, EXIT.usage);
  }
  let warnings: string[] = [];
  let body: string;
  let contentType: string;
  if (context.flags.from !== undefined) {
    if (!(IMPORT_SOURCES as readonly string[]).includes(context.flags.from)) throw new CliError(`--from is one of ${IMPORT_SOURCES.join(", ")}`, EXIT.usage);
    let converted: ReturnType<typeof convertExport>;
    try {
      converted = convertExport(context.flags.from as ImportSource, text);
    } catch (error) {
      throw new CliError(`${file}: ${(error as Error).message}`);
    }
    warnings = converted.warnings;
    body = JSON.stringify({ xr2_export: PORTABLE_FORMAT_VERSION, ...converted.document });
    contentType = "application/json";
  } else {
    body = text;
    contentType = /\.ya?ml$/i.test(file) ? "application/yaml" : "application/json";
  }
  for (const warning of warnings) context.output.say(`warning: ${warning}`);
  context.output.progress(`importing ${file}…`);
  const response = await apiFor(context).request<{ results: Array<{ slug: string; outcome: string; versions: unknown[] }> }>("POST", `/api/prompts/import?on_conflict=${onConflict}`, { rawBody: body, contentType });
  for (const result of response.body.results) context.output.say(`${result.outcome.padEnd(14)} ${result.slug}${result.versions.length > 0 ? ` (${result.versions.length} draft version(s))` : ""}`);
  return { json: { results: response.body.results, warnings } };
}

export async function bundle(context: CommandContext): Promise<CommandResult> {
  const environment = environmentFlag(context.flags.env, "--env");
  const edgeUrl = process.env.XR2_EDGE_URL?.replace(/\/+$/, "");
  const apiKey = process.env.XR2_API_KEY;
  if (!edgeUrl || !apiKey) throw new CliError("bundle reads the edge with a product API key: set XR2_EDGE_URL and XR2_API_KEY", EXIT.usage);
  let response: Response;
  try {
    response = await fetch(`${edgeUrl}/api/v1/prompts?env=${environment}`, { headers: { authorization: `Bearer ${apiKey}`, accept: "application/json" } });
  } catch (error) {
    throw new CliError(`Could not reach the edge at ${edgeUrl} (${(error as Error).message})`);
  }
  const text = await response.text();
  if (!response.ok) {
    let detail = text.slice(0, 300);
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
      if (parsed.error) detail = `${parsed.error.code}: ${parsed.error.message}`;
    } catch {
      // Not JSON: the text itself says what went wrong.
    }
    throw new CliError(`GET /api/v1/prompts?env=${environment} failed: ${response.status} ${detail}`, response.status === 409 ? EXIT.conflict : EXIT.error, { http_status: response.status });
  }
  const document = JSON.parse(text) as unknown;
  if (context.flags.out !== undefined) {
    writeFileSync(context.flags.out, `${JSON.stringify(document, null, 2)}\n`);
    context.output.say(`Wrote the ${environment} bundle to ${context.flags.out}`);
    return { json: { file: context.flags.out, environment } };
  }
  if (!context.output.json) process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  return { json: document };
}
