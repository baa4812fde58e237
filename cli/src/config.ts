/**
 * Where the CLI finds its API, token and workspace. Each setting is taken from the first that has
 * it: the command's flags, the environment (XR2_API_URL, XR2_TOKEN, XR2_WORKSPACE_ID), the
 * project's lock file (its workspace), then the config file `xr2 login` writes
 * ($XR2_CONFIG, else $XDG_CONFIG_HOME/xr2/config.json, else ~/.config/xr2/config.json; mode 0600
 * since it holds the token).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { CliError, EXIT } from "./output.ts";

export interface StoredConfig {
  api_url?: string;
  token?: string;
  workspace_id?: string;
}

export interface Settings {
  apiUrl: string;
  token: string;
  workspaceId: string | undefined;
}

export function configPath(): string {
  if (process.env.XR2_CONFIG) return process.env.XR2_CONFIG;
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "xr2", "config.json");
}

export function readStoredConfig(): StoredConfig {
  const path = configPath();
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, "utf8")) as StoredConfig;
  } catch (error) {
    throw new CliError(`The config file ${path} is not valid JSON (${(error as Error).message}); run xr2 login again`);
  }
}

export function writeStoredConfig(config: StoredConfig): string {
  const path = configPath();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

export function resolveSettings(flags: { apiUrl?: string | undefined; token?: string | undefined; workspace?: string | undefined }, lockWorkspaceId?: string): Settings {
  const stored = readStoredConfig();
  const token = flags.token ?? process.env.XR2_TOKEN ?? stored.token;
  if (!token) throw new CliError("No token: set XR2_TOKEN, or run xr2 login", EXIT.usage);
  const apiUrl = (flags.apiUrl ?? process.env.XR2_API_URL ?? stored.api_url)?.replace(/\/+$/, "");
  if (!apiUrl) throw new CliError("No API address: set XR2_API_URL (e.g. https://api.example.com), or run xr2 login --api-url", EXIT.usage);
  const workspaceId = flags.workspace ?? process.env.XR2_WORKSPACE_ID ?? lockWorkspaceId ?? stored.workspace_id;
  return { apiUrl, token, workspaceId };
}
