// The shapes of /api/prompts and its versions, diffs, deployments and approvals as the API
// answers them (workers/api/src/routes/prompts/**), shared by the prompts list and the prompt page.
import type { Environment } from "./types";

export interface Tag {
  id: string;
  name: string;
  color: string;
}

export interface TagDetails extends Tag {
  created_at: string;
  prompt_count: number;
}

export interface EnvironmentPointer {
  version_id: string;
  version_number: number;
  updated_at: string;
}

export interface Prompt {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  status: "active" | "archived";
  tags: Tag[];
  owner_id: string | null;
  created_by_id: string | null;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
  environments: Partial<Record<Environment, EnvironmentPointer>>;
}

export type PromptSort = "updated_at" | "created_at" | "name" | "slug";

export interface PromptPage {
  prompts: Prompt[];
  next_cursor: string | null;
}

export type VariableType = "string" | "number" | "boolean" | "enum";
export type Scalar = string | number | boolean;

export interface VariableDefinition {
  name: string;
  type: VariableType;
  required: boolean;
  default?: Scalar;
  values?: string[];
  description?: string;
}

export type ChatRole = "system" | "user" | "assistant";
export const CHAT_ROLES: readonly ChatRole[] = ["system", "user", "assistant"];

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export type VersionStatus = "draft" | "testing" | "production" | "archived";

export interface VersionSummary {
  id: string;
  prompt_id: string;
  version_number: number;
  status: VersionStatus;
  kind: "text" | "chat";
  changelog: string | null;
  environments: Environment[];
  created_by_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface ModelConfig {
  provider?: "openai" | "anthropic" | "google";
  model?: string;
  temperature?: number;
  max_tokens?: number;
  [setting: string]: unknown;
}

export interface Version extends VersionSummary {
  content: string | null;
  messages: ChatMessage[] | null;
  variables: VariableDefinition[];
  model_config: ModelConfig;
}

export interface TemplateProblem {
  code: string;
  message: string;
  variable?: string;
  position?: { offset: number; line: number; column: number };
  message_index?: number;
}

export type PreviewResult =
  | { ok: true; content: string | null; messages: ChatMessage[] | null; values: Record<string, Scalar>; variables_used: string[] }
  | { ok: false; errors: TemplateProblem[]; variables_used: string[] };

export interface DiffLine {
  op: "equal" | "insert" | "delete";
  text: string;
}

export interface VersionDiff {
  from: { id: string; version_number: number; kind: "text" | "chat" } | null;
  to: { id: string; version_number: number; kind: "text" | "chat" };
  content: DiffLine[];
  messages: Array<{ op: "equal" | "insert" | "delete" | "change"; from_index: number | null; to_index: number | null; from_role: ChatRole | null; to_role: ChatRole | null; lines: DiffLine[] }>;
  variables: { added: Array<Record<string, unknown>>; removed: Array<Record<string, unknown>>; changed: Array<{ name: string; from: Record<string, unknown>; to: Record<string, unknown> }> };
  model_config: { added: Record<string, unknown>; removed: Record<string, unknown>; changed: Record<string, { from: unknown; to: unknown }> };
}

export interface Deployment {
  id: string;
  environment: Environment;
  action: string;
  from_version_id: string | null;
  to_version_id: string;
  version: number;
  actor_user_id: string | null;
  approval: string;
  approval_request_id: string | null;
  note: string | null;
  created_at: string;
}

export interface DeploymentPage {
  environments: Partial<Record<Environment, { version_id: string; version: number; updated_at: string }>>;
  deployments: Deployment[];
  next_cursor: string | null;
}

/** What publish, promote and rollback answer: deployed now, or waiting for an Admin. */
export type DeploymentOutcome =
  | { status: "deployed"; deployment_id: string; environment: Environment; action: "publish" | "promote" | "rollback"; from_version_id: string | null; to_version_id: string; version: number }
  | { status: "pending_approval"; approval_request_id: string; environment: string; version_id: string };

export interface ApprovalRequest {
  id: string;
  prompt_id: string;
  environment: string;
  version_id: string;
  status: "pending" | "approved" | "rejected" | "cancelled";
  requested_by_id: string | null;
  comment: string | null;
  created_at: string;
}

export interface Member {
  user_id: string;
  email: string;
  name: string;
  role: "admin" | "member" | "viewer";
  joined_at: string;
}

export interface WorkspaceDetails {
  id: string;
  name: string;
  owner_id: string;
  require_production_approval: boolean;
}

export interface BulkResult {
  action: "archive" | "unarchive" | "tag" | "untag" | "move";
  updated: number;
  results: Array<{ prompt_id: string; outcome: "updated" | "unchanged" | "not_found" | "moved" | "conflict"; target_prompt_id?: string; message?: string }>;
}

export interface ImportResult {
  results: Array<{ slug: string; outcome: "created" | "skipped" | "versions_added"; prompt_id: string; versions: Array<{ id: string; version_number: number }> }>;
}

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
