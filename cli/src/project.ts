/**
 * A prompts-as-code project: the lock file `xr2.lock.json` (the workspace, the prompts folder,
 * and for each prompt the version its file was pulled or pushed as, with the file's hash at that
 * moment) and the prompt files. Also reads the workspace's prompts and their latest versions, and
 * turns a remote version into a file, so every command compares local and remote the same way.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ApiClient, ApiPrompt, ApiVersion } from "./api-client.ts";
import { CliError, EXIT, type Output } from "./output.ts";
import { serializePromptFile, type PromptDocument, type Variable } from "./prompt-file.ts";

export const LOCK_FILE = "xr2.lock.json";
const SLUG = /^[a-z0-9][a-z0-9._-]*$/;
const READ_CONCURRENCY = 4;

export interface LockEntry {
  prompt_id: string;
  /** The remote version the file was last pulled from or pushed as. */
  version: number;
  /** SHA-256 of the file as written then: a different hash means local edits. */
  file_sha256: string;
}
export interface LockFile {
  lock_version: 1;
  api_url: string;
  workspace_id: string;
  prompts_dir: string;
  prompts: Record<string, LockEntry>;
}

export interface Project {
  root: string;
  lock: LockFile;
  promptsDir: string;
}

export function lockPath(root: string): string {
  return join(root, LOCK_FILE);
}

/** The project in `root`, or a usage error telling to run xr2 init. */
export function openProject(root: string): Project {
  const path = lockPath(root);
  if (!existsSync(path)) throw new CliError(`No ${LOCK_FILE} in ${resolve(root)}: run xr2 init first (or pass --dir)`, EXIT.usage);
  let lock: LockFile;
  try {
    lock = JSON.parse(readFileSync(path, "utf8")) as LockFile;
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (lock.lock_version !== 1 || typeof lock.workspace_id !== "string" || typeof lock.prompts_dir !== "string") throw new CliError(`${path} is not an xr2 lock file`);
  lock.prompts ??= {};
  return { root, lock, promptsDir: join(root, lock.prompts_dir) };
}

export function saveLock(project: Project): void {
  const sorted = Object.fromEntries(Object.entries(project.lock.prompts).sort(([a], [b]) => (a < b ? -1 : 1)));
  const path = lockPath(project.root);
  // Written whole then renamed, so an interrupted run never leaves half a lock file.
  writeFileSync(`${path}.tmp`, `${JSON.stringify({ ...project.lock, prompts: sorted }, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

export function promptFilePath(project: Project, slug: string): string {
  return join(project.promptsDir, `${slug}.md`);
}

/** The slugs of the prompt files in the folder. */
export function localSlugs(project: Project): string[] {
  if (!existsSync(project.promptsDir)) return [];
  return readdirSync(project.promptsDir)
    .filter((name) => name.endsWith(".md"))
    .map((name) => name.slice(0, -3))
    .filter((slug) => SLUG.test(slug))
    .sort();
}

export function readLocal(project: Project, slug: string): string | undefined {
  const path = promptFilePath(project, slug);
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

export function writeLocal(project: Project, slug: string, text: string): void {
  mkdirSync(project.promptsDir, { recursive: true });
  writeFileSync(promptFilePath(project, slug), text);
}

export interface RemotePrompt {
  prompt: ApiPrompt;
  /** The newest version; undefined for a prompt without versions. */
  latest: ApiVersion | undefined;
}

/** Every active prompt of the workspace (or only `slugs`), with its newest version. */
export async function loadRemote(api: ApiClient, output: Output, slugs?: readonly string[]): Promise<Map<string, RemotePrompt>> {
  const prompts: ApiPrompt[] = [];
  if (slugs && slugs.length > 0) {
    for (const slug of slugs) {
      const response = await api.request<ApiPrompt>("GET", `/api/prompts/${encodeURIComponent(slug)}`, { allow: [404] });
      if (response.status === 200 && response.body.status === "active") prompts.push(response.body);
    }
  } else {
    let cursor: string | null = null;
    do {
      const page: { body: { prompts: ApiPrompt[]; next_cursor: string | null } } = await api.request("GET", `/api/prompts?limit=100&sort=slug${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      prompts.push(...page.body.prompts);
      cursor = page.body.next_cursor;
    } while (cursor);
  }
  const remote = new Map<string, RemotePrompt>();
  let done = 0;
  let next = 0;
  // A few requests at a time: quick for a large workspace, gentle on the API's rate limits.
  const worker = async () => {
    while (next < prompts.length) {
      const prompt = prompts[next++]!;
      const versions = await api.request<{ versions: Array<{ id: string }> }>("GET", `/api/prompts/${prompt.id}/versions?limit=1`);
      const newest = versions.body.versions[0];
      const latest = newest ? (await api.request<ApiVersion>("GET", `/api/prompts/${prompt.id}/versions/${newest.id}`)).body : undefined;
      remote.set(prompt.slug, { prompt, latest });
      output.progress(`read ${++done}/${prompts.length} ${prompt.slug}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, prompts.length) }, worker));
  return remote;
}

/** The document a remote prompt's newest version makes (a prompt without versions: an empty text prompt). */
export function remoteDocument(remote: RemotePrompt): PromptDocument {
  const { prompt, latest } = remote;
  const document: PromptDocument = {
    name: prompt.name,
    description: prompt.description,
    tags: prompt.tags.map((tag) => tag.name),
    variables: (latest?.variables ?? []) as unknown as Variable[],
    model_config: latest?.model_config ?? {},
  };
  if (latest?.messages) document.messages = latest.messages;
  else document.content = latest?.content ?? "";
  return document;
}

export function remoteFileText(remote: RemotePrompt): string {
  return serializePromptFile(remoteDocument(remote));
}
