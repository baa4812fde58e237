/** Test-key (L1): asks the provider whether it accepts a key (the one given, else the one a run would use). */
import type { LlmProvider } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { keySuffix } from "./key-encryption.ts";
import { within } from "./call-timeouts.ts";
import { providerClient } from "./providers/index.ts";
import { ProviderError } from "./providers/provider-client.ts";
import { resolveProviderKey, touchProviderKey } from "./resolve-provider-key.ts";

const TEST_TIMEOUT_MS = 15_000;

export async function testProviderKey({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; userId: string; provider: LlmProvider; apiKey?: string | undefined } }) {
  const stored = input.apiKey === undefined ? await resolveProviderKey(ctx, input) : undefined;
  const apiKey = input.apiKey ?? stored!.apiKey;
  try {
    await within(TEST_TIMEOUT_MS, input.provider, (signal) => providerClient(ctx.env, input.provider, apiKey).verifyKey(signal));
  } catch (error) {
    throw error instanceof ProviderError ? error.toApiError() : error;
  }
  if (stored) await touchProviderKey(ctx, stored.id);
  return { provider: input.provider, valid: true as const, key_source: stored ? stored.scope : ("request" as const), key_suffix: keySuffix(apiKey) };
}
