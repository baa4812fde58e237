/**
 * What every command receives: its positionals and flags, the output, and helpers that build an
 * API client from the settings (for project commands, bound to the lock file's workspace).
 */
import { ApiClient } from "../api-client.ts";
import { resolveSettings } from "../config.ts";
import { CliError, EXIT, type Output } from "../output.ts";
import { openProject, type Project } from "../project.ts";

export interface Flags {
  dir: string;
  apiUrl?: string | undefined;
  workspace?: string | undefined;
  force: boolean;
  dryRun: boolean;
  env?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  version?: string | undefined;
  format?: string | undefined;
  out?: string | undefined;
  onConflict?: string | undefined;
  promptsDir?: string | undefined;
  note?: string | undefined;
  tokenStdin: boolean;
}

export interface CommandContext {
  positionals: string[];
  flags: Flags;
  output: Output;
}

/** The result a command returns: its --json document, and its exit code when not 0. */
export interface CommandResult {
  json: unknown;
  exitCode?: number;
}

export function apiFor(context: CommandContext): ApiClient {
  return new ApiClient(resolveSettings({ apiUrl: context.flags.apiUrl, workspace: context.flags.workspace }));
}

/** The project in --dir and a client acting in its workspace; naming another workspace is a usage error. */
export function projectApi(context: CommandContext): { project: Project; api: ApiClient } {
  const project = openProject(context.flags.dir);
  const named = context.flags.workspace ?? process.env.XR2_WORKSPACE_ID;
  if (named !== undefined && named !== project.lock.workspace_id) {
    throw new CliError(`This project belongs to workspace ${project.lock.workspace_id} (see xr2.lock.json), not ${named}`, EXIT.usage);
  }
  // The address comes from the caller (--api-url, XR2_API_URL, or the one `xr2 login` stored with
  // the token), never from xr2.lock.json: a lock file is committed and can come from anyone, and
  // the token must not follow an address a checkout names.
  const settings = resolveSettings({ apiUrl: context.flags.apiUrl, workspace: project.lock.workspace_id });
  if (settings.apiUrl !== project.lock.api_url.replace(/\/+$/, "")) {
    if (!context.output.json) process.stderr.write(`note: this project was pulled from ${project.lock.api_url} (xr2.lock.json); using ${settings.apiUrl}\n`);
  }
  return { project, api: new ApiClient(settings) };
}

export const ENVIRONMENTS = ["development", "staging", "production"] as const;

export function environmentFlag(value: string | undefined, flag: string): (typeof ENVIRONMENTS)[number] {
  if (value === undefined) throw new CliError(`${flag} is required (development, staging or production)`, EXIT.usage);
  if (!(ENVIRONMENTS as readonly string[]).includes(value)) throw new CliError(`${flag} must be development, staging or production, not "${value}"`, EXIT.usage);
  return value as (typeof ENVIRONMENTS)[number];
}

export function oneSlug(context: CommandContext, command: string): string {
  if (context.positionals.length !== 1) throw new CliError(`usage: xr2 ${command} <slug> …`, EXIT.usage);
  return context.positionals[0]!;
}
