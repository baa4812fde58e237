/**
 * The MCP server's tools: each names the permission it needs (the same as its REST route's),
 * validates its input with zod and calls the prompt services the REST routes call. A tool's
 * failure is an MCP tool error (isError) carrying the API's error code and message, never a
 * transport error, so an assistant can read it and correct itself.
 */
import { z } from "@hono/zod-openapi";
import { ApiError, variableValuesSchema } from "@xr2/shared";
import type { Context } from "hono";
import type { ApiHono } from "../../app.ts";
import type { ServiceContext } from "../../context.ts";
import type { Permission, WorkspaceCaller } from "../../permissions.ts";
import { getPrompt } from "../../services/prompts/get-prompt.ts";
import { listPrompts } from "../../services/prompts/list-prompts.ts";
import { previewPrompt } from "../../services/prompts/preview-prompt.ts";
import { requestDeployment } from "../../services/prompts/request-deployment.ts";
import { createVersion } from "../../services/versions/create-version.ts";
import { diffVersions } from "../../services/versions/diff-versions.ts";
import { getVersion } from "../../services/versions/get-version.ts";
import { listVersions } from "../../services/versions/list-versions.ts";
import { changelogSchema, contentSchema, messagesSchema, modelConfigSchema, variablesSchema } from "../prompts/versions/schemas.ts";
import { noteSchema } from "../prompts/lifecycle/schemas.ts";
import { promptStatusSchema } from "../prompts/schemas.ts";
import { resolvePromptId, resolveVersionId } from "./resolve-references.ts";
import { templateProblems } from "./template-problems.ts";

/** Who calls a tool: the request's services, workspace (role and, for an access token, scopes) and user. */
export interface ToolCaller {
  ctx: ServiceContext;
  workspace: WorkspaceCaller & { id: string };
  userId: string;
  /** The HTTP request, for unexpected errors to be answered (and logged) by the API's one error model. */
  request?: Context<ApiHono>;
}

interface ToolOutput {
  data: Record<string, unknown>;
  text: string;
}

export interface Tool<Input extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  description: string;
  permission: Permission;
  input: Input;
  readOnly: boolean;
  run(caller: ToolCaller, input: z.output<Input>): Promise<ToolOutput>;
}

const promptReference = z.string().min(1).max(128).describe("The prompt's id (pr_…) or slug");
const versionReference = z.union([z.number().int().min(1).max(999_999_999), z.string().min(1).max(64)]).describe("The version's id (pv_…) or number");
const json = (value: unknown) => JSON.stringify(value, null, 2);

function tool<Input extends z.ZodType>(definition: Tool<Input>): Tool {
  return definition as unknown as Tool;
}

export const TOOLS: readonly Tool[] = [
  tool({
    name: "list_prompts",
    title: "List and search prompts",
    description: "The workspace's prompts, most recently updated first, with the version each environment serves. `query` matches slug, name or description.",
    permission: "prompts.read",
    readOnly: true,
    input: z.strictObject({
      query: z.string().max(200).optional(),
      tag: z.string().max(64).optional().describe("Only prompts with this tag (id or name)"),
      status: promptStatusSchema.default("active"),
      limit: z.number().int().min(1).max(100).default(50),
      cursor: z.string().max(2048).optional().describe("next_cursor of the previous page"),
    }),
    async run({ ctx, workspace }, input) {
      const page = await listPrompts({ ctx, input: { workspaceId: workspace.id, q: input.query, tag: input.tag, status: input.status, sort: "updated_at", limit: input.limit, cursor: input.cursor } });
      const lines = page.prompts.map((prompt) => `${prompt.slug} (${prompt.id}): ${prompt.name}${servedText(prompt.environments)}`);
      return { data: page, text: [`${page.prompts.length} prompt(s)${page.next_cursor ? " (more: pass next_cursor)" : ""}`, ...lines].join("\n") };
    },
  }),
  tool({
    name: "get_prompt",
    title: "Read a prompt",
    description: "A prompt with its tags and the version each environment (development, staging, production) serves.",
    permission: "prompts.read",
    readOnly: true,
    input: z.strictObject({ prompt: promptReference }),
    async run({ ctx, workspace }, input) {
      const prompt = await getPrompt({ ctx, input: { workspaceId: workspace.id, promptId: await resolvePromptId(ctx, workspace.id, input.prompt) } });
      return { data: prompt, text: `${prompt.slug} (${prompt.id}): ${prompt.name}${servedText(prompt.environments)}\n${json(prompt)}` };
    },
  }),
  tool({
    name: "list_versions",
    title: "List a prompt's versions",
    description: "A prompt's versions, newest first, without their bodies (get_version reads one).",
    permission: "prompts.read",
    readOnly: true,
    input: z.strictObject({ prompt: promptReference, limit: z.number().int().min(1).max(100).default(50), cursor: z.string().max(256).optional() }),
    async run({ ctx, workspace }, input) {
      const promptId = await resolvePromptId(ctx, workspace.id, input.prompt);
      const page = await listVersions({ ctx, input: { workspaceId: workspace.id, promptId, limit: input.limit, cursor: input.cursor } });
      const lines = page.versions.map((version) => `v${version.version_number} (${version.id}) ${version.status}${version.environments.length ? `, serving ${version.environments.join(", ")}` : ""}${version.changelog ? `: ${version.changelog}` : ""}`);
      return { data: page, text: [`${page.versions.length} version(s)`, ...lines].join("\n") };
    },
  }),
  tool({
    name: "get_version",
    title: "Read a version",
    description: "One version with its template or messages, variables and model settings.",
    permission: "prompts.read",
    readOnly: true,
    input: z.strictObject({ prompt: promptReference, version: versionReference }),
    async run({ ctx, workspace }, input) {
      const promptId = await resolvePromptId(ctx, workspace.id, input.prompt);
      const version = await getVersion({ ctx, input: { workspaceId: workspace.id, promptId, versionId: await resolveVersionId(ctx, workspace.id, promptId, input.version) } });
      return { data: version, text: json(version) };
    },
  }),
  tool({
    name: "diff_versions",
    title: "Compare two versions",
    description: "What changed between two versions of a prompt: text lines, messages, variables, model settings. Without `from`, compares with the version before `to`.",
    permission: "prompts.read",
    readOnly: true,
    input: z.strictObject({ prompt: promptReference, to: versionReference, from: versionReference.optional() }),
    async run({ ctx, workspace }, input) {
      const promptId = await resolvePromptId(ctx, workspace.id, input.prompt);
      const toVersionId = await resolveVersionId(ctx, workspace.id, promptId, input.to);
      const fromVersionId = input.from === undefined ? undefined : await resolveVersionId(ctx, workspace.id, promptId, input.from);
      const diff = await diffVersions({ ctx, input: { workspaceId: workspace.id, promptId, toVersionId, fromVersionId } });
      const text = diff.content.map((line) => `${{ equal: " ", insert: "+", delete: "-" }[line.op]}${line.text}`).join("\n");
      return { data: diff, text: `${diff.from ? `v${diff.from.version_number}` : "(nothing)"} → v${diff.to.version_number}\n${text}\n${json({ messages: diff.messages, variables: diff.variables, model_config: diff.model_config })}` };
    },
  }),
  tool({
    name: "create_draft_version",
    title: "Create a draft version",
    description:
      "Adds a draft version to a prompt: `content` for a text prompt or `messages` for a chat prompt (exactly one), optional variables, model settings and changelog. Templates use {variable} and {% if variable %}…{% endif %}; template errors come back with their line and variable, and nothing is saved.",
    permission: "prompts.write",
    readOnly: false,
    input: z
      .strictObject({
        prompt: promptReference,
        content: contentSchema.optional(),
        messages: messagesSchema.optional(),
        variables: variablesSchema.optional(),
        model_config: modelConfigSchema.optional(),
        changelog: changelogSchema.optional(),
      })
      .refine((fields) => (fields.content === undefined) !== (fields.messages === undefined), "send exactly one of content (text prompt) or messages (chat prompt)"),
    async run({ ctx, workspace, userId }, input) {
      const promptId = await resolvePromptId(ctx, workspace.id, input.prompt);
      const problems = templateProblems(input);
      if (problems.length > 0) {
        const list = problems.map((problem) => `${problem.message_index === undefined ? "" : `message ${problem.message_index + 1}, `}${problem.position ? `line ${problem.position.line}, column ${problem.position.column}: ` : ""}${problem.message}`);
        throw new ApiError("VALIDATION_FAILED", `The template has errors; nothing was saved:\n${list.join("\n")}`, { details: problems });
      }
      const version = await createVersion({
        ctx,
        input: {
          workspaceId: workspace.id,
          promptId,
          actorUserId: userId,
          body: input.messages === undefined ? { content: input.content ?? "" } : { messages: input.messages },
          variables: input.variables,
          modelConfig: input.model_config,
          changelog: input.changelog,
        },
      });
      return { data: version, text: `Created draft v${version.version_number} (${version.id}).\n${json(version)}` };
    },
  }),
  tool({
    name: "preview_render",
    title: "Render a version",
    description: "Renders a version with values for its variables, through the engine the edge serves with. Problems (a missing required value, a wrong type) come back listed.",
    permission: "prompts.read",
    readOnly: true,
    input: z.strictObject({ prompt: promptReference, version: versionReference, values: variableValuesSchema.default({}) }),
    async run({ ctx, workspace }, input) {
      const promptId = await resolvePromptId(ctx, workspace.id, input.prompt);
      const versionId = await resolveVersionId(ctx, workspace.id, promptId, input.version);
      const result = await previewPrompt({ ctx, input: { workspaceId: workspace.id, promptId, versionId, values: input.values } });
      if (!result.ok) throw new ApiError("VALIDATION_FAILED", `The version does not render with these values:\n${result.errors.map((error) => error.message).join("\n")}`, { details: result.errors });
      return { data: result, text: result.content ?? (result.messages ?? []).map((message) => `[${message.role}]\n${message.content}`).join("\n\n") };
    },
  }),
  tool({
    name: "publish_version",
    title: "Publish a version to development or staging",
    description:
      "Serves a version in the development or staging environment (the edge picks it up within seconds). Production is refused here: it goes through the approval flow, by a person in the xR2 dashboard, the REST API or the xr2 CLI.",
    permission: "prompts.publish",
    readOnly: false,
    input: z.strictObject({ prompt: promptReference, version: versionReference, environment: z.enum(["development", "staging", "production"]), note: noteSchema.optional() }),
    async run({ ctx, workspace, userId }, input) {
      if (input.environment === "production") {
        throw new ApiError("FORBIDDEN", "Production goes through the approval flow: an assistant cannot publish there. Publish to staging, then ask a person to promote it to production in the xR2 dashboard (or with `xr2 promote`), where the workspace's approval policy applies.");
      }
      const promptId = await resolvePromptId(ctx, workspace.id, input.prompt);
      const versionId = await resolveVersionId(ctx, workspace.id, promptId, input.version);
      const outcome = await requestDeployment({
        ctx,
        input: { workspaceId: workspace.id, promptId, chooseVersion: async () => versionId, environment: input.environment, actorUserId: userId, actor: workspace, note: input.note },
      });
      return { data: { ...outcome }, text: outcome.status === "deployed" ? `Published v${outcome.version} to ${outcome.environment}.` : `Waiting for approval (${outcome.approval_request_id}).` };
    },
  }),
];

function servedText(environments: Partial<Record<string, { version_number: number }>>): string {
  const served = Object.entries(environments).flatMap(([environment, pointer]) => (pointer ? [`${environment} v${pointer.version_number}`] : []));
  return served.length ? ` [${served.join(", ")}]` : "";
}
