/**
 * Compare (L4): one rendered version on up to four provider/models at once, each call complete
 * (not streamed), each recorded in llm_usage; one target failing does not fail the others.
 */
import { newId } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { within } from "./call-timeouts.ts";
import { assertLlmQuota } from "./llm-quotas.ts";
import { keysFor, renderForRun, settingsFor, type PromptRef, type SettingsOverride, type Target } from "./prepare-run.ts";
import { priceOf } from "./price-table.ts";
import { providerClient } from "./providers/index.ts";
import { ProviderError } from "./providers/provider-client.ts";
import { recordUsage } from "./record-usage.ts";
import { touchProviderKey } from "./resolve-provider-key.ts";

export interface CompareInput extends PromptRef {
  userId: string;
  targets: Array<Target & SettingsOverride>;
  settings: SettingsOverride;
  timeoutMs: number;
}

export async function compareModels({ ctx, input }: { ctx: ServiceContext; input: CompareInput }) {
  const prompt = await renderForRun(ctx, input);
  const keys = await keysFor(ctx, { workspaceId: input.workspaceId, userId: input.userId, targets: input.targets });
  await assertLlmQuota(ctx, { workspaceId: input.workspaceId, userId: input.userId, requests: input.targets.length });
  const results = await Promise.all(
    input.targets.map(async ({ provider, model, ...override }) => {
      const key = keys.get(provider)!;
      const settings = settingsFor(prompt.modelConfig, { ...input.settings, ...Object.fromEntries(Object.entries(override).filter(([, value]) => value !== undefined)) });
      const usageId = newId("usage");
      const startedAt = Date.now();
      const base = { id: usageId, workspaceId: input.workspaceId, userId: input.userId, promptId: input.promptId, versionId: input.versionId, provider, model, providerKeyId: key.id };
      try {
        const completion = await within(input.timeoutMs, provider, (signal) =>
          providerClient(ctx.env, provider, key.apiKey).complete({ model, system: prompt.system, messages: prompt.messages, ...settings, signal }),
        );
        const latencyMs = Date.now() - startedAt;
        const cost = await recordUsage(ctx, { ...base, tokens: completion.usage, latencyMs, status: "success" });
        return {
          provider,
          model,
          ok: true,
          output: completion.text,
          finish_reason: completion.finishReason,
          tokens: { input: completion.usage.input, output: completion.usage.output, cached_input: completion.usage.cachedInput },
          latency_ms: latencyMs,
          cost_micros: cost,
          cost_usd: cost / 1e6,
          priced: priceOf(provider, model) !== undefined,
          usage_id: usageId,
          error: null,
        };
      } catch (caught) {
        if (!(caught instanceof ProviderError)) throw caught;
        const latencyMs = Date.now() - startedAt;
        await recordUsage(ctx, { ...base, tokens: { input: 0, output: 0, cachedInput: 0 }, latencyMs, status: "error", errorCode: caught.code });
        return {
          provider,
          model,
          ok: false,
          output: null,
          finish_reason: null,
          tokens: { input: 0, output: 0, cached_input: 0 },
          latency_ms: latencyMs,
          cost_micros: 0,
          cost_usd: 0,
          priced: priceOf(provider, model) !== undefined,
          usage_id: usageId,
          error: { code: caught.toApiError().code, error_code: caught.code, message: caught.message },
        };
      }
    }),
  );
  await Promise.all([...new Set(input.targets.map((target) => keys.get(target.provider)!.id))].map((keyId) => touchProviderKey(ctx, keyId)));
  return { prompt_id: input.promptId, version_id: input.versionId, results };
}
