// Authoring calls of the prompt page and the playground: a prompt's details, duplicate, archive,
// delete, and drafts started from a version or from the playground (workers/api/src/routes/prompts/**),
// typed by the contract.
import { call, type RequestBody } from "./contract";
import type { Version } from "./prompts";

export const updatePromptDetails = (promptId: string, fields: RequestBody<"patch", "/api/prompts/{promptId}">) => call("patch", "/api/prompts/{promptId}", { params: { promptId }, body: fields });

/** A copy in the same workspace (`workspaceId`, the current one) under a new slug, every version as a draft. */
export const duplicatePrompt = async (promptId: string, workspaceId: string, fields: { slug: string; name: string }) =>
  (await call("post", "/api/prompts/{promptId}/copy", { params: { promptId }, body: { target_workspace_id: workspaceId, ...fields } })).prompt;

/** Deletes for good; the API refuses (409) a prompt that was ever published. */
export const deletePromptForGood = async (promptId: string): Promise<void> => {
  await call("delete", "/api/prompts/{promptId}", { params: { promptId }, query: { permanent: "true" } });
};

export type NewVersionBody = Partial<Pick<Version, "content" | "messages" | "variables" | "model_config">> & { changelog?: string };

export const createVersion = (promptId: string, body: NewVersionBody) => {
  const base = body.messages ? { messages: body.messages } : { content: body.content ?? "" };
  return call("post", "/api/prompts/{promptId}/versions", {
    params: { promptId },
    body: {
      ...base,
      ...(body.variables ? { variables: body.variables } : {}),
      ...(body.model_config && Object.keys(body.model_config).length > 0 ? { model_config: body.model_config } : {}),
      ...(body.changelog ? { changelog: body.changelog } : {}),
    },
  });
};

/** A new draft with the text, variables and model settings of `from` (any version, draft or not). */
export async function createDraftFrom(promptId: string, fromVersionId: string): Promise<Version> {
  const from = await call("get", "/api/prompts/{promptId}/versions/{versionId}", { params: { promptId, versionId: fromVersionId } });
  return createVersion(promptId, { content: from.content, messages: from.messages, variables: from.variables, model_config: from.model_config, changelog: `Started from v${from.version_number}` });
}

export const discardDraft = async (promptId: string, versionId: string): Promise<void> => {
  await call("delete", "/api/prompts/{promptId}/versions/{versionId}", { params: { promptId, versionId } });
};
