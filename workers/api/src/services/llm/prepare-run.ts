/**
 * Everything a model call needs before it starts: the version rendered with the variables (the
 * template engine preview uses, snippets inlined as production serves them), split into a system
 * text and turns; the settings from the version's model_config under the caller's overrides; and
 * the targets in order (the chosen provider/model, then the fallbacks), each with its key.
 */
import type { LlmProvider } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { previewPrompt } from "../prompts/preview-prompt.ts";
import { getVersion } from "../versions/get-version.ts";
import type { ChatRequest } from "./providers/provider-client.ts";
import { resolveProviderKey, type ResolvedKey } from "./resolve-provider-key.ts";

export const DEFAULT_MAX_TOKENS = 1024;

export interface PromptRef {
  workspaceId: string;
  promptId: string;
  versionId: string;
  variables: Record<string, string | number | boolean>;
}

export interface SettingsOverride {
  temperature?: number | undefined;
  max_tokens?: number | undefined;
  top_p?: number | undefined;
  stop?: string[] | undefined;
}

export interface Target {
  provider: LlmProvider;
  model: string;
}

export interface RenderedPrompt {
  system: string | null;
  messages: ChatRequest["messages"];
  modelConfig: Record<string, unknown>;
}

/** Chat text as the providers take it: system messages joined into one, the rest in order. */
export function splitSystem(messages: Array<{ role: string; content: string }>): Pick<RenderedPrompt, "system" | "messages"> {
  const system = messages.filter((message) => message.role === "system").map((message) => message.content);
  return {
    system: system.length > 0 ? system.join("\n\n") : null,
    messages: messages.filter((message) => message.role !== "system").map((message) => ({ role: message.role === "assistant" ? ("assistant" as const) : ("user" as const), content: message.content })),
  };
}

export async function renderForRun(ctx: ServiceContext, ref: PromptRef): Promise<RenderedPrompt> {
  const version = await getVersion({ ctx, input: { workspaceId: ref.workspaceId, promptId: ref.promptId, versionId: ref.versionId } });
  const rendered = await previewPrompt({ ctx, input: { workspaceId: ref.workspaceId, promptId: ref.promptId, versionId: ref.versionId, values: ref.variables } });
  if (!rendered.ok) {
    // A snippet production does not serve (or another include problem) says so, not "variables".
    const include = rendered.errors.find((error) => error.code === "include");
    throw new ApiError("VALIDATION_FAILED", include?.message ?? "The prompt does not render with these variables", { details: rendered.errors });
  }
  const split = rendered.messages ? splitSystem(rendered.messages) : { system: null, messages: [{ role: "user" as const, content: rendered.content ?? "" }] };
  if (split.messages.length === 0) throw new ApiError("VALIDATION_FAILED", "The prompt has no user or assistant message to send");
  return { ...split, modelConfig: version.model_config as Record<string, unknown> };
}

const numberSetting = (config: Record<string, unknown>, name: string) => (typeof config[name] === "number" ? (config[name] as number) : undefined);

/** The call's settings: the caller's override, else the version's model_config, else defaults. */
export function settingsFor(modelConfig: Record<string, unknown>, override: SettingsOverride) {
  const stop = Array.isArray(modelConfig.stop) && modelConfig.stop.every((item) => typeof item === "string") ? (modelConfig.stop as string[]) : undefined;
  return {
    maxTokens: override.max_tokens ?? numberSetting(modelConfig, "max_tokens") ?? DEFAULT_MAX_TOKENS,
    temperature: override.temperature ?? numberSetting(modelConfig, "temperature"),
    topP: override.top_p ?? numberSetting(modelConfig, "top_p"),
    stop: override.stop ?? stop,
  };
}

/** The chosen target, else the version's model_config provider and model (400 when neither names one). */
export function primaryTarget(modelConfig: Record<string, unknown>, chosen: Partial<Target>): Target {
  const provider = chosen.provider ?? (modelConfig.provider as LlmProvider | undefined);
  const model = chosen.model ?? (typeof modelConfig.model === "string" ? modelConfig.model : undefined);
  if (!provider || !["openai", "anthropic", "google"].includes(provider) || !model) {
    throw new ApiError("VALIDATION_FAILED", "Choose a provider and a model (the version's model_config names none)");
  }
  return { provider, model };
}

/** Keys for each target, resolved before anything runs, so a missing key is a clear 422 up front. */
export async function keysFor(ctx: ServiceContext, input: { workspaceId: string; userId: string; targets: Target[] }): Promise<Map<LlmProvider, ResolvedKey>> {
  const keys = new Map<LlmProvider, ResolvedKey>();
  for (const target of input.targets) {
    if (!keys.has(target.provider)) keys.set(target.provider, await resolveProviderKey(ctx, { workspaceId: input.workspaceId, userId: input.userId, provider: target.provider }));
  }
  return keys;
}
