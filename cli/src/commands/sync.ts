/**
 * xr2 pull, status, diff and push: the prompt files against the workspace's prompts.
 *
 * For each prompt three facts decide everything: whether the file changed since it was last
 * pulled or pushed (its hash against the lock file), whether the remote moved on since then (the
 * newest version's number against the lock file), and whether the file differs from the newest
 * remote version at all. Pull never overwrites a changed file without --force; push sends only
 * files that differ (so re-running it creates nothing) and refuses, with exit code 4, when the
 * remote moved on since the file was pulled.
 */
import { unlinkSync } from "node:fs";
import { relative } from "node:path";
import type { ApiClient, ApiPrompt, ApiVersion } from "../api-client.ts";
import { CliError, EXIT } from "../output.ts";
import { canonicalJson, parsePromptFile, PromptFileError, sha256, versionFingerprint, type PromptDocument } from "../prompt-file.ts";
import { loadRemote, localSlugs, promptFilePath, readLocal, remoteDocument, remoteFileText, saveLock, writeLocal, type Project, type RemotePrompt } from "../project.ts";
import { checkTemplates, type FileTemplateError } from "../template-check.ts";
import { unifiedDiff } from "../unified-diff.ts";
import { projectApi, type CommandContext, type CommandResult } from "./context.ts";

export type PromptState = "unchanged" | "modified" | "new" | "remote_changed" | "conflict" | "not_pulled" | "removed_remotely";

interface Comparison {
  slug: string;
  file: string;
  state: PromptState;
  local_version: number | null;
  remote_version: number | null;
  /** The file's text; undefined when there is no file. */
  localText: string | undefined;
  remote: RemotePrompt | undefined;
}

function fileOf(project: Project, slug: string): string {
  return relative(process.cwd(), promptFilePath(project, slug)) || promptFilePath(project, slug);
}

function compare(project: Project, slug: string, remote: RemotePrompt | undefined): Comparison {
  const entry = project.lock.prompts[slug];
  const localText = readLocal(project, slug);
  const remoteVersion = remote?.latest?.version_number ?? (remote ? 0 : null);
  const base = { slug, file: fileOf(project, slug), local_version: entry?.version ?? null, remote_version: remoteVersion, localText, remote };
  if (localText === undefined) return { ...base, state: remote ? "not_pulled" : "removed_remotely" };
  if (!remote) return { ...base, state: entry ? "removed_remotely" : "new" };
  const differs = localText !== remoteFileText(remote) && !sameVersionAndFields(localText, remote);
  if (!differs) return { ...base, state: "unchanged" };
  const localChanged = !entry || sha256(localText) !== entry.file_sha256;
  // A remote prompt with no version and no lock entry holds nothing to lose: a push that created
  // it and then failed on its version (or one made empty in the site) takes the file's version.
  const remoteChanged = entry ? entry.prompt_id !== remote.prompt.id || entry.version !== remoteVersion : remoteVersion !== 0;
  if (localChanged && remoteChanged) return { ...base, state: "conflict" };
  return { ...base, state: localChanged ? "modified" : "remote_changed" };
}

/** Whether the file says what the remote holds, though written differently (key order, quoting…). */
function sameVersionAndFields(localText: string, remote: RemotePrompt): boolean {
  try {
    const { document } = parsePromptFile(localText);
    const theirs = remoteDocument(remote);
    return versionFingerprint(document) === versionFingerprint(theirs) && fieldsFingerprint(document) === fieldsFingerprint(theirs);
  } catch {
    return false;
  }
}

function fieldsFingerprint(document: PromptDocument): string {
  return canonicalJson({ name: document.name.trim(), description: document.description?.trim() || null, tags: [...document.tags].sort() });
}

function selectedSlugs(context: CommandContext, project: Project, remote: Map<string, RemotePrompt>): string[] {
  if (context.positionals.length > 0) return [...context.positionals];
  return [...new Set([...remote.keys(), ...localSlugs(project), ...Object.keys(project.lock.prompts)])].sort();
}

function recordInLock(project: Project, slug: string, promptId: string, version: number, text: string): void {
  project.lock.prompts[slug] = { prompt_id: promptId, version, file_sha256: sha256(text) };
}

export async function pull(context: CommandContext): Promise<CommandResult> {
  const { project, api } = projectApi(context);
  const remote = await loadRemote(api, context.output, context.positionals);
  const pulled: Array<{ slug: string; version: number; file: string }> = [];
  const unchanged: string[] = [];
  const keptLocal: Array<{ slug: string; file: string; reason: string }> = [];
  const removed: Array<{ slug: string; file: string; deleted: boolean }> = [];
  for (const slug of selectedSlugs(context, project, remote)) {
    const comparison = compare(project, slug, remote.get(slug));
    const version = comparison.remote_version ?? 0;
    switch (comparison.state) {
      case "unchanged":
        // Adopt the remote's version (e.g. after someone published): nothing to write.
        if (comparison.remote) recordInLock(project, slug, comparison.remote.prompt.id, version, comparison.localText!);
        unchanged.push(slug);
        break;
      case "not_pulled":
      case "remote_changed": {
        const text = remoteFileText(comparison.remote!);
        writeLocal(project, slug, text);
        recordInLock(project, slug, comparison.remote!.prompt.id, version, text);
        pulled.push({ slug, version, file: comparison.file });
        context.output.say(`pulled   ${comparison.file} (v${version})`);
        break;
      }
      case "modified":
      case "conflict":
        if (context.flags.force) {
          const text = remoteFileText(comparison.remote!);
          writeLocal(project, slug, text);
          recordInLock(project, slug, comparison.remote!.prompt.id, version, text);
          pulled.push({ slug, version, file: comparison.file });
          context.output.say(`pulled   ${comparison.file} (v${version}, local edits overwritten)`);
        } else {
          const reason = comparison.state === "conflict" ? `changed locally and remotely (now v${version}); pull --force takes the remote, push --force keeps yours` : "changed locally; not overwritten (push it, or pull --force)";
          keptLocal.push({ slug, file: comparison.file, reason });
          context.output.say(`kept     ${comparison.file}: ${reason}`);
        }
        break;
      case "removed_remotely": {
        const entry = project.lock.prompts[slug];
        const localText = comparison.localText;
        const editedSincePull = localText !== undefined && (!entry || sha256(localText) !== entry.file_sha256);
        const deleted = localText !== undefined && (!editedSincePull || context.flags.force);
        if (deleted) unlinkSync(promptFilePath(project, slug));
        if (entry && (deleted || localText === undefined)) delete project.lock.prompts[slug];
        removed.push({ slug, file: comparison.file, deleted });
        context.output.say(`removed  ${slug}: archived or deleted in xR2${deleted ? `; ${comparison.file} deleted` : localText === undefined ? "" : `; ${comparison.file} kept (edited locally; --force deletes it)`}`);
        break;
      }
      case "new":
        break;
    }
  }
  saveLock(project);
  const conflicts = keptLocal.filter((kept) => kept.reason.startsWith("changed locally and remotely")).map((kept) => kept.slug);
  context.output.say(`${pulled.length} pulled, ${unchanged.length} unchanged, ${keptLocal.length} kept with local edits, ${removed.length} removed remotely`);
  return {
    json: { workspace_id: project.lock.workspace_id, pulled, unchanged, kept_local: keptLocal, conflicts, removed },
    ...(conflicts.length > 0 ? { exitCode: EXIT.conflict } : {}),
  };
}

export async function status(context: CommandContext): Promise<CommandResult> {
  const { project, api } = projectApi(context);
  const remote = await loadRemote(api, context.output, context.positionals);
  const prompts = selectedSlugs(context, project, remote).map((slug) => compare(project, slug, remote.get(slug)));
  for (const prompt of prompts) if (prompt.state !== "unchanged") context.output.say(`${prompt.state.padEnd(17)} ${prompt.file}${prompt.remote_version !== null ? ` (remote v${prompt.remote_version}${prompt.local_version !== null ? `, pulled v${prompt.local_version}` : ""})` : ""}`);
  const changed = prompts.filter((prompt) => prompt.state !== "unchanged").length;
  context.output.say(changed === 0 ? `Everything is up to date (${prompts.length} prompts).` : `${changed} of ${prompts.length} prompts differ.`);
  return { json: { workspace_id: project.lock.workspace_id, prompts: prompts.map(({ slug, file, state, local_version, remote_version }) => ({ slug, file, state, local_version, remote_version })) } };
}

export async function diff(context: CommandContext): Promise<CommandResult> {
  const { project, api } = projectApi(context);
  const remote = await loadRemote(api, context.output, context.positionals);
  const diffs: Array<{ slug: string; file: string; state: PromptState; diff: string }> = [];
  for (const slug of selectedSlugs(context, project, remote)) {
    const comparison = compare(project, slug, remote.get(slug));
    if (comparison.state === "unchanged") continue;
    const remoteText = comparison.remote ? remoteFileText(comparison.remote) : "";
    const label = comparison.remote ? `xr2:${slug} (v${comparison.remote_version})` : "/dev/null";
    const text = unifiedDiff(remoteText, comparison.localText ?? "", { from: label, to: comparison.localText === undefined ? "/dev/null" : comparison.file });
    diffs.push({ slug, file: comparison.file, state: comparison.state, diff: text });
    if (!context.output.json) process.stdout.write(text);
  }
  return { json: { diffs } };
}

interface PushPlan {
  slug: string;
  file: string;
  document: PromptDocument;
  text: string;
  remote: RemotePrompt | undefined;
  createPrompt: boolean;
  updateFields: boolean;
  createVersion: boolean;
}

export async function push(context: CommandContext): Promise<CommandResult> {
  const { project, api } = projectApi(context);
  const slugs = context.positionals.length > 0 ? [...context.positionals] : localSlugs(project);
  for (const slug of slugs) if (readLocal(project, slug) === undefined) throw new CliError(`No file ${fileOf(project, slug)}`, EXIT.usage);

  // Every file is read, and every file edited since its pull checked, before anything is sent. A
  // file as it was pulled is not checked: it sends nothing, and xR2 may hold templates (written in
  // the site) that this check would refuse, which must not block pushing the others.
  const parsed: Array<{ slug: string; file: string; text: string; document: PromptDocument }> = [];
  const errors: FileTemplateError[] = [];
  for (const slug of slugs) {
    const file = fileOf(project, slug);
    const text = readLocal(project, slug)!;
    try {
      const { document, location } = parsePromptFile(text);
      if (project.lock.prompts[slug]?.file_sha256 !== sha256(text)) errors.push(...checkTemplates(file, document, location));
      parsed.push({ slug, file, text, document });
    } catch (error) {
      if (!(error instanceof PromptFileError)) throw error;
      errors.push({ file, line: error.line, column: null, variable: null, code: "syntax", message: error.message });
    }
  }
  if (errors.length > 0) {
    const lines = errors.map((error) => `${error.file}:${error.line}${error.column ? `:${error.column}` : ""}: ${error.message}${error.variable ? ` (variable "${error.variable}")` : ""}`);
    throw new CliError(`Nothing pushed: ${errors.length} error${errors.length === 1 ? "" : "s"} in the prompt files\n${lines.join("\n")}`, EXIT.error, { template_errors: errors });
  }

  const remote = await loadRemote(api, context.output, slugs);
  const plans: PushPlan[] = [];
  const conflicts: Array<{ slug: string; file: string; local_version: number | null; remote_version: number | null }> = [];
  for (const { slug, file, text, document } of parsed) {
    const theirs = remote.get(slug);
    const comparison = compare(project, slug, theirs);
    // Unchanged, or changed only remotely (the file is as pulled): nothing of this file to send.
    if (comparison.state === "unchanged" || comparison.state === "remote_changed") continue;
    const theirDocument = theirs ? remoteDocument(theirs) : undefined;
    const plan: PushPlan = {
      slug,
      file,
      document,
      text,
      remote: theirs,
      createPrompt: !theirs,
      updateFields: theirDocument !== undefined && fieldsFingerprint(document) !== fieldsFingerprint(theirDocument),
      createVersion: !theirDocument || !theirs?.latest || versionFingerprint(document) !== versionFingerprint(theirDocument),
    };
    if (!plan.createVersion && !plan.updateFields) continue;
    // A newer remote version that an xr2 push made came from these files (an earlier pipeline run,
    // whose lock file was not committed back): pushing over it loses nothing. Any other change
    // since the pull was made elsewhere (the site, the API) and would be lost: a conflict.
    const pushedByXr2 = theirs?.latest?.changelog?.startsWith(PUSH_CHANGELOG) === true;
    const remoteMovedOn = comparison.state === "removed_remotely" || (comparison.state === "conflict" && !pushedByXr2);
    if (remoteMovedOn && !context.flags.force) {
      conflicts.push({ slug, file, local_version: comparison.local_version, remote_version: comparison.remote_version });
      continue;
    }
    plans.push(plan);
  }
  if (conflicts.length > 0) {
    const lines = conflicts.map((conflict) => `${conflict.file}: pulled as v${conflict.local_version ?? "-"}, the remote is now v${conflict.remote_version}`);
    throw new CliError(`Nothing pushed: the remote changed since these files were pulled (xr2 pull, merge, then push; or push --force)\n${lines.join("\n")}`, EXIT.conflict, { conflicts });
  }

  const created: Array<{ slug: string; prompt_id: string; version: number; version_id: string }> = [];
  const promptsCreated: string[] = [];
  const fieldsUpdated: string[] = [];
  let done = 0;
  for (const plan of plans) {
    context.output.progress(`pushing ${++done}/${plans.length} ${plan.slug}`);
    const action = [plan.createPrompt ? "new prompt" : plan.updateFields ? "fields" : "", plan.createVersion ? "new draft version" : ""].filter(Boolean).join(" + ");
    if (context.flags.dryRun) {
      context.output.say(`would push ${plan.file}: ${action}`);
      continue;
    }
    const prompt = await sendPlan(api, plan);
    if (plan.createPrompt) promptsCreated.push(plan.slug);
    if (plan.updateFields) fieldsUpdated.push(plan.slug);
    let version = plan.remote?.latest?.version_number ?? 0;
    if (plan.createVersion) {
      const made = await createVersion(api, prompt.id, plan.document, plan.file);
      version = made.version_number;
      created.push({ slug: plan.slug, prompt_id: prompt.id, version, version_id: made.id });
    }
    recordInLock(project, plan.slug, prompt.id, version, plan.text);
    saveLock(project);
    context.output.say(`pushed   ${plan.file}: ${action}${plan.createVersion ? ` v${version} (draft)` : ""}`);
  }
  if (!context.flags.dryRun) saveLock(project);
  const planned = plans.map((plan) => ({ slug: plan.slug, file: plan.file, create_prompt: plan.createPrompt, update_fields: plan.updateFields, create_version: plan.createVersion }));
  context.output.say(context.flags.dryRun ? `Dry run: ${plans.length} file(s) would be pushed; nothing sent.` : plans.length === 0 ? "Nothing to push: every file matches its newest remote version." : `${created.length} draft version(s) created.`);
  return { json: { dry_run: context.flags.dryRun, planned, versions_created: created, prompts_created: promptsCreated, fields_updated: fieldsUpdated } };
}

async function sendPlan(api: ApiClient, plan: PushPlan): Promise<{ id: string }> {
  const fields = { name: plan.document.name, description: plan.document.description, tags: plan.document.tags };
  if (plan.createPrompt) return (await api.request<ApiPrompt>("POST", "/api/prompts", { body: { slug: plan.slug, ...fields } })).body;
  if (plan.updateFields) await api.request<ApiPrompt>("PATCH", `/api/prompts/${plan.remote!.prompt.id}`, { body: fields });
  return plan.remote!.prompt;
}

/** The changelog of the versions push creates; it also tells push that a newer remote version came from a file. */
const PUSH_CHANGELOG = "Pushed by xr2";

function createVersion(api: ApiClient, promptId: string, document: PromptDocument, file: string): Promise<ApiVersion> {
  const body = {
    ...(document.messages === undefined ? { content: document.content ?? "" } : { messages: document.messages }),
    variables: document.variables,
    model_config: document.model_config,
    changelog: `${PUSH_CHANGELOG} from ${file}`,
  };
  return api.request<ApiVersion>("POST", `/api/prompts/${promptId}/versions`, { body }).then((response) => response.body);
}
