/**
 * xr2 publish, promote and rollback: move what an environment serves. When the workspace needs an
 * Admin's approval the API answers "pending_approval"; the CLI says so and exits with code 3, so a
 * pipeline can tell "waiting for a human" from a failure.
 */
import type { Deployment } from "../api-client.ts";
import { CliError, EXIT } from "../output.ts";
import { apiFor, environmentFlag, oneSlug, type CommandContext, type CommandResult } from "./context.ts";

function outcome(context: CommandContext, slug: string, deployment: Deployment, version: number | null, done: string): CommandResult {
  const json = { slug, version, ...deployment };
  if (deployment.status === "pending_approval") {
    context.output.say(`${slug}: ${deployment.environment} needs an Admin's approval; request ${deployment.approval_request_id} is waiting (approve it in xR2)`);
    return { json, exitCode: EXIT.needsApproval };
  }
  context.output.say(`${slug}: ${done}`);
  return { json };
}

function targetOf(deployment: Deployment): string {
  return deployment.status === "deployed" ? deployment.to_version_id : deployment.version_id;
}

function path(slug: string): string {
  return `/api/prompts/${encodeURIComponent(slug)}`;
}

export async function publish(context: CommandContext): Promise<CommandResult> {
  const slug = oneSlug(context, "publish");
  const environment = environmentFlag(context.flags.env, "--env");
  const api = apiFor(context);
  let version: number;
  if (context.flags.version !== undefined) {
    if (!/^[1-9][0-9]*$/.test(context.flags.version)) throw new CliError("--version takes a version number (1, 2, 3…)", EXIT.usage);
    version = Number(context.flags.version);
  } else {
    const newest = (await api.request<{ versions: Array<{ version_number: number }> }>("GET", `${path(slug)}/versions?limit=1`)).body.versions[0];
    if (!newest) throw new CliError(`${slug} has no versions to publish: push one first`);
    version = newest.version_number;
  }
  const response = await api.request<Deployment>("PUT", `${path(slug)}/versions/${version}/publish`, { body: { environment, ...(context.flags.note ? { note: context.flags.note } : {}) } });
  return outcome(context, slug, response.body, version, `v${version} published to ${environment}`);
}

export async function promote(context: CommandContext): Promise<CommandResult> {
  const slug = oneSlug(context, "promote");
  const from = environmentFlag(context.flags.from, "--from");
  const to = environmentFlag(context.flags.to, "--to");
  const api = apiFor(context);
  const response = await api.request<Deployment>("POST", `${path(slug)}/promote`, { body: { from, to, ...(context.flags.note ? { note: context.flags.note } : {}) } });
  const version = await versionNumber(context, slug, targetOf(response.body));
  return outcome(context, slug, response.body, version, `${from} (v${version}) promoted to ${to}`);
}

export async function rollback(context: CommandContext): Promise<CommandResult> {
  const slug = oneSlug(context, "rollback");
  const environment = environmentFlag(context.flags.env, "--env");
  const api = apiFor(context);
  let versionId: string | undefined;
  if (context.flags.version !== undefined) {
    if (!/^[1-9][0-9]*$/.test(context.flags.version)) throw new CliError("--version takes a version number (1, 2, 3…)", EXIT.usage);
    versionId = (await api.request<{ id: string }>("GET", `${path(slug)}/versions/${context.flags.version}`)).body.id;
  }
  const response = await api.request<Deployment>("POST", `${path(slug)}/rollback`, { body: { environment, ...(versionId ? { version_id: versionId } : {}), ...(context.flags.note ? { note: context.flags.note } : {}) } });
  const version = await versionNumber(context, slug, targetOf(response.body));
  return outcome(context, slug, response.body, version, `${environment} rolled back to v${version}`);
}

async function versionNumber(context: CommandContext, slug: string, versionId: string): Promise<number | null> {
  const response = await apiFor(context).request<{ version_number: number }>("GET", `${path(slug)}/versions/${versionId}`, { allow: [404] });
  return response.status === 200 ? response.body.version_number : null;
}
