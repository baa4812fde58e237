/**
 * The operationId of every documented operation, by "METHOD /path": the method names generated
 * clients get, so they are chosen here by hand (verb + resource, camelCase) rather than derived
 * from paths, and must never change once published. One table instead of one line per route file:
 * a reviewer sees every name at once, and test/e2e/openapi-document.test.ts fails when an operation has
 * none, when two share one, or when a name here matches no operation.
 */
export const OPERATION_IDS: Readonly<Record<string, string>> = {
  // Accounts and sessions
  "POST /api/auth/register": "register",
  "POST /api/auth/login": "login",
  "POST /api/auth/refresh": "refreshSession",
  "POST /api/auth/logout": "logout",
  "GET /api/auth/me": "getCurrentUser",
  "GET /api/auth/google": "startGoogleSignIn",
  "GET /api/auth/google/callback": "completeGoogleSignIn",
  "POST /api/auth/google/exchange": "exchangeGoogleSignInCode",
  "GET /api/auth/providers": "listSignInProviders",
  // Workspaces and members
  "GET /api/workspaces": "listWorkspaces",
  "POST /api/workspaces": "createWorkspace",
  "POST /api/workspaces/invitations/accept": "acceptInvitation",
  "GET /api/workspaces/{workspaceId}": "getWorkspace",
  "PATCH /api/workspaces/{workspaceId}": "updateWorkspace",
  "GET /api/workspaces/{workspaceId}/limits": "getWorkspaceLimits",
  "GET /api/workspaces/{workspaceId}/members": "listMembers",
  "PATCH /api/workspaces/{workspaceId}/members/{userId}": "updateMemberRole",
  "DELETE /api/workspaces/{workspaceId}/members/{userId}": "removeMember",
  "POST /api/workspaces/{workspaceId}/invite": "inviteMember",
  "GET /api/workspaces/{workspaceId}/invitations": "listInvitations",
  "DELETE /api/workspaces/{workspaceId}/invitations/{invitationId}": "withdrawInvitation",
  "POST /api/workspaces/{workspaceId}/transfer": "transferWorkspaceOwnership",
  "POST /api/workspaces/{workspaceId}/kv/rebuild": "rebuildWorkspaceProjection",
  // Prompts
  "GET /api/prompts": "listPrompts",
  "POST /api/prompts": "createPrompt",
  "GET /api/prompts/{promptId}": "getPrompt",
  "PATCH /api/prompts/{promptId}": "updatePrompt",
  "DELETE /api/prompts/{promptId}": "archivePrompt",
  "POST /api/prompts/{promptId}/copy": "copyPrompt",
  "POST /api/prompts/bulk": "bulkUpdatePrompts",
  "GET /api/prompts/export": "exportPrompts",
  "POST /api/prompts/import": "importPrompts",
  "POST /api/prompts/{promptId}/preview": "previewPrompt",
  "GET /api/prompts/{promptId}/diff": "diffPromptVersions",
  // Versions, deployments and approvals
  "GET /api/prompts/{promptId}/versions": "listPromptVersions",
  "POST /api/prompts/{promptId}/versions": "createPromptVersion",
  "GET /api/prompts/{promptId}/versions/{versionId}": "getPromptVersion",
  "PATCH /api/prompts/{promptId}/versions/{versionId}": "updatePromptVersion",
  "DELETE /api/prompts/{promptId}/versions/{versionId}": "deletePromptVersion",
  "PUT /api/prompts/{promptId}/versions/{versionId}/publish": "publishPromptVersion",
  "POST /api/prompts/{promptId}/promote": "promotePrompt",
  "POST /api/prompts/{promptId}/rollback": "rollbackPrompt",
  "GET /api/prompts/{promptId}/deployments": "listPromptDeployments",
  "GET /api/approvals": "listApprovals",
  "POST /api/approvals/{approvalId}/approve": "approveApproval",
  "POST /api/approvals/{approvalId}/reject": "rejectApproval",
  // Tags
  "GET /api/tags": "listTags",
  "POST /api/tags": "createTag",
  "PATCH /api/tags/{tagId}": "updateTag",
  "DELETE /api/tags/{tagId}": "deleteTag",
  // Event definitions
  "GET /api/event-definitions": "listEventDefinitions",
  "POST /api/event-definitions": "createEventDefinition",
  "GET /api/event-definitions/{eventDefinitionId}": "getEventDefinition",
  "PATCH /api/event-definitions/{eventDefinitionId}": "updateEventDefinition",
  "DELETE /api/event-definitions/{eventDefinitionId}": "deleteEventDefinition",
  // Product API keys
  "GET /api/product-api-keys": "listApiKeys",
  "POST /api/product-api-keys": "createApiKey",
  "DELETE /api/product-api-keys/{keyId}": "revokeApiKey",
  // Audit log
  "GET /api/audit-log": "listAuditLog",
  // Analytics
  "GET /api/analytics/prompt-stats": "getPromptStats",
  "GET /api/analytics/events": "listEvents",
  "GET /api/analytics/funnels": "getFunnel",
  "GET /api/analytics/cohorts": "getCohorts",
  "GET /api/analytics/llm-usage": "getLlmUsage",
  "GET /api/analytics/live": "getLiveCounts",
  "GET /api/analytics/experiments/{experimentId}": "getExperimentResults",
  // Experiments
  "GET /api/experiments": "listExperiments",
  "POST /api/experiments": "createExperiment",
  "GET /api/experiments/{experimentId}": "getExperiment",
  "PATCH /api/experiments/{experimentId}": "updateExperiment",
  "DELETE /api/experiments/{experimentId}": "deleteExperiment",
  "POST /api/experiments/{experimentId}/start": "startExperiment",
  "POST /api/experiments/{experimentId}/stop": "stopExperiment",
  // Platform administration
  "POST /api/admin/kv/rebuild": "rebuildProjection",
  "GET /api/admin/dead-letters": "listDeadLetters",
  "POST /api/admin/dead-letters/{deadLetterId}/replay": "replayDeadLetter",
  "POST /api/admin/jobs/aggregate": "runAggregation",
  "POST /api/admin/jobs/schedule": "scheduleAggregation",
  // LLM providers
  "GET /api/llm/providers": "listLlmProviders",
  "GET /api/llm/keys": "listProviderKeys",
  "PUT /api/llm/workspace-keys/{provider}": "saveWorkspaceProviderKey",
  "DELETE /api/llm/workspace-keys/{provider}": "deleteWorkspaceProviderKey",
  "PUT /api/llm/user-keys/{provider}": "saveUserProviderKey",
  "DELETE /api/llm/user-keys/{provider}": "deleteUserProviderKey",
  "POST /api/llm/test-key": "testProviderKey",
  "POST /api/llm/run": "runPrompt",
  "POST /api/llm/compare": "comparePromptRuns",
  "POST /api/llm/count-tokens": "countTokens",
  // Product API (edge worker)
  "GET /api/v1/get-prompt/{slug}": "getPublishedPrompt",
  "POST /api/v1/get-prompt/{slug}": "renderPublishedPrompt",
  "POST /api/v1/events": "trackEvent",
  "POST /api/v1/events/batch": "trackEvents",
};
