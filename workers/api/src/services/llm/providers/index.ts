/** The provider client for a provider, with its base URL from the environment (fakes locally, the real API when unset). */
import type { LlmProvider } from "@xr2/db/schema";
import type { ApiEnv } from "../../../env.ts";
import { anthropicClient } from "./anthropic.ts";
import { googleClient } from "./google.ts";
import { openAiClient } from "./openai.ts";
import type { ProviderClient } from "./provider-client.ts";

export function providerClient(env: ApiEnv, provider: LlmProvider, apiKey: string): ProviderClient {
  switch (provider) {
    case "openai":
      return openAiClient({ apiKey, baseUrl: env.OPENAI_BASE_URL });
    case "anthropic":
      return anthropicClient({ apiKey, baseUrl: env.ANTHROPIC_BASE_URL });
    case "google":
      return googleClient({ apiKey, baseUrl: env.GOOGLE_AI_BASE_URL });
  }
}
