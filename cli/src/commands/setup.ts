/**
 * xr2 login and xr2 init: remember the API, token and workspace; start a project folder. The
 * workspace comes from the token itself when it is an access token (GET /api/access-tokens/current),
 * else from --workspace / XR2_WORKSPACE_ID.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ApiClient } from "../api-client.ts";
import { readStoredConfig, resolveSettings, writeStoredConfig, type Settings } from "../config.ts";
import { CliError, EXIT } from "../output.ts";
import { lockPath, saveLock, type LockFile } from "../project.ts";
import type { CommandContext, CommandResult } from "./context.ts";

interface CurrentToken {
  id: string;
  name: string;
  workspace_id: string;
  workspace_name: string;
  scopes: string[];
  expires_at: string | null;
}

/** The workspace the settings name or the token carries; checked by listing one prompt there. */
async function settleWorkspace(settings: Settings): Promise<{ settings: Settings; tokenKind: "access_token" | "session"; workspaceName: string | null; scopes: string[] | null }> {
  const probe = new ApiClient({ ...settings, workspaceId: undefined });
  // Only access tokens answer here; a session token is refused (403), and an API without access
  // tokens yet has no such route (404): then the workspace must be named.
  const current = await probe.request<CurrentToken>("GET", "/api/access-tokens/current", { allow: [400, 403, 404, 405] });
  let workspaceId = settings.workspaceId;
  let info: CurrentToken | undefined;
  if (current.status === 200) {
    info = current.body;
    if (workspaceId !== undefined && workspaceId !== info.workspace_id) throw new CliError(`The token belongs to workspace ${info.workspace_id}, not ${workspaceId}`, EXIT.usage);
    workspaceId = info.workspace_id;
  }
  if (workspaceId === undefined) throw new CliError("Which workspace? This token does not name one: pass --workspace ws_… or set XR2_WORKSPACE_ID", EXIT.usage);
  const settled = { ...settings, workspaceId };
  await new ApiClient(settled).request("GET", "/api/prompts?limit=1");
  return { settings: settled, tokenKind: info ? "access_token" : "session", workspaceName: info?.workspace_name ?? null, scopes: info?.scopes ?? null };
}

export async function login(context: CommandContext): Promise<CommandResult> {
  const stored = readStoredConfig();
  const token = context.flags.tokenStdin ? readFileSync(0, "utf8").trim() : (process.env.XR2_TOKEN ?? stored.token);
  if (!token) throw new CliError("No token: pipe it in with --token-stdin (echo $TOKEN | xr2 login --token-stdin), or set XR2_TOKEN", EXIT.usage);
  const apiUrl = context.flags.apiUrl ?? process.env.XR2_API_URL ?? stored.api_url;
  if (!apiUrl) throw new CliError("No API address: pass --api-url https://… or set XR2_API_URL", EXIT.usage);
  const { settings, tokenKind, workspaceName, scopes } = await settleWorkspace({
    apiUrl: apiUrl.replace(/\/+$/, ""),
    token,
    workspaceId: context.flags.workspace ?? process.env.XR2_WORKSPACE_ID ?? stored.workspace_id,
  });
  const file = writeStoredConfig({ api_url: settings.apiUrl, token: settings.token, workspace_id: settings.workspaceId! });
  context.output.say(`Logged in to ${settings.apiUrl}, workspace ${workspaceName ? `${workspaceName} (${settings.workspaceId})` : settings.workspaceId}; settings saved in ${file}`);
  if (tokenKind === "session") context.output.say("Note: this is a session token, which expires within minutes; create an access token for CI.");
  return { json: { api_url: settings.apiUrl, workspace_id: settings.workspaceId, workspace_name: workspaceName, token_kind: tokenKind, scopes, config_file: file } };
}

export async function init(context: CommandContext): Promise<CommandResult> {
  const root = context.flags.dir;
  if (existsSync(lockPath(root)) && !context.flags.force) throw new CliError(`${lockPath(root)} exists already: this folder is a project (use --force to start it again)`, EXIT.usage);
  const promptsDir = context.flags.promptsDir ?? "prompts";
  const { settings, workspaceName } = await settleWorkspace(resolveSettings({ apiUrl: context.flags.apiUrl, workspace: context.flags.workspace }));
  mkdirSync(join(root, promptsDir), { recursive: true });
  const lock: LockFile = { lock_version: 1, api_url: settings.apiUrl, workspace_id: settings.workspaceId!, prompts_dir: promptsDir, prompts: {} };
  saveLock({ root, lock, promptsDir: join(root, promptsDir) });
  context.output.say(`Initialised ${resolve(root)} for workspace ${workspaceName ?? settings.workspaceId}: prompts go in ${promptsDir}/, versions are tracked in xr2.lock.json. Next: xr2 pull`);
  return { json: { dir: resolve(root), lock_file: resolve(lockPath(root)), prompts_dir: promptsDir, workspace_id: settings.workspaceId, workspace_name: workspaceName } };
}
