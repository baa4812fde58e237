// The shapes of /api/prompts and its versions, diffs, deployments and approvals as the API's
// contract defines them (openapi.d.ts, from workers/api/src/routes/prompts/**), shared by the
// prompts list and the prompt page.
import type { Answer, QueryParams, Schemas } from "./contract";

export type Tag = Schemas["Tag"];
export type TagDetails = Schemas["TagDetails"];
export type EnvironmentPointer = Schemas["EnvironmentPointer"];
export type Prompt = Schemas["Prompt"];
export type PromptSort = NonNullable<QueryParams<"get", "/api/prompts">["sort"]>;
export type PromptPage = Answer<"get", "/api/prompts">;

export type VariableDefinition = Schemas["PromptVariable"];
export type VariableType = VariableDefinition["type"];
export type Scalar = NonNullable<VariableDefinition["default"]>;

export type ChatMessage = Schemas["ChatMessage"];
export type ChatRole = ChatMessage["role"];
export const CHAT_ROLES: readonly ChatRole[] = ["system", "user", "assistant"];

export type VersionSummary = Schemas["PromptVersionSummary"];
export type VersionStatus = VersionSummary["status"];
export type ModelConfig = Schemas["ModelConfig"];
export type Version = Schemas["PromptVersion"];

export type PreviewResult = Answer<"post", "/api/prompts/{promptId}/preview">;
export type TemplateProblem = Extract<PreviewResult, { ok: false }>["errors"][number];

export type VersionDiff = Schemas["VersionDiff"];
export type DiffLine = VersionDiff["content"][number];

export type DeploymentPage = Answer<"get", "/api/prompts/{promptId}/deployments">;
export type Deployment = DeploymentPage["deployments"][number];

/** What publish, promote and rollback answer: deployed now, or waiting for an Admin. */
export type DeploymentOutcome = Schemas["Deployment"] | Schemas["PendingApproval"];

export type ApprovalRequest = Answer<"get", "/api/approvals">["approvals"][number];
export type Member = Schemas["Member"];
export type WorkspaceDetails = Schemas["Workspace"];
export type BulkResult = Schemas["BulkPromptResult"];
export type ImportResult = Answer<"post", "/api/prompts/import">;

/** The variable names the template engine accepts (workers/shared/src/template). */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const SLUG_PATTERN = "[a-z0-9][a-z0-9._\\-]*";

/** Variables used in a template, in order of first use: `{name}` and `{% if [not] name %}`. */
export function variablesInTemplate(source: string): string[] {
  const names = new Set<string>();
  const pattern = /\{\{|\{%\s*if\s+(?:not\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*%\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
  for (const match of source.matchAll(pattern)) {
    const name = match[1] ?? match[2];
    if (name) names.add(name);
  }
  return [...names];
}
