import type { LlmProvider } from "@xr2/db/schema";

export const LLM_PROVIDERS = ["openai", "anthropic", "google"] as const satisfies readonly LlmProvider[];

export const PROVIDER_NAMES: Record<LlmProvider, string> = { openai: "OpenAI", anthropic: "Anthropic", google: "Google" };
