/** The public (snake_case) shapes of a version, built from its row and the environments serving it. */
import type { Environment } from "@xr2/shared";
import type { PromptVersion } from "@xr2/db/schema";

export function toVersionSummary(row: PromptVersion, environments: Environment[]) {
  return {
    id: row.id,
    prompt_id: row.promptId,
    version_number: row.versionNumber,
    status: row.status,
    kind: row.kind,
    changelog: row.changelog,
    environments,
    created_by_id: row.createdById,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function toVersionView(row: PromptVersion, environments: Environment[]) {
  return {
    ...toVersionSummary(row, environments),
    content: row.content,
    messages: row.messages,
    variables: row.variables,
    model_config: row.modelConfig,
  };
}

export type VersionView = ReturnType<typeof toVersionView>;

/** What the audit log keeps of a version: its number and its whole editable body. */
export function auditedVersion(version: VersionView): Record<string, unknown> {
  return {
    prompt_id: version.prompt_id,
    version_number: version.version_number,
    status: version.status,
    kind: version.kind,
    content: version.content,
    messages: version.messages,
    variables: version.variables,
    model_config: version.model_config,
    changelog: version.changelog,
  };
}
