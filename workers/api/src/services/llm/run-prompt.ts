/**
 * The playground run (L2) with failover (L4). Targets are tried in order (the chosen model, then
 * `fallbacks`) until one sends its first text: a timeout, a 5xx, a 429 or an unreachable
 * provider moves on to the next target; a refused key or request (other 4xx) does not, since
 * another provider would not fix the request. Every attempt is an llm_usage row: failed ones
 * with status "error" and their error_code, each retry with fallback_from naming the provider
 * before it. Failover happens only before the first text reaches the client: once the stream is
 * handed out, a failure ends it (recorded as an error row).
 */
import type { LlmProvider } from "@xr2/db/schema";
import { ApiError, newId } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { nextWithin } from "./call-timeouts.ts";
import { assertLlmQuota } from "./llm-quotas.ts";
import { keysFor, primaryTarget, renderForRun, settingsFor, type PromptRef, type SettingsOverride, type Target } from "./prepare-run.ts";
import { priceOf, type TokenCounts } from "./price-table.ts";
import { providerClient } from "./providers/index.ts";
import { ProviderError, type ChatRequest, type StreamPart } from "./providers/provider-client.ts";
import { recordUsage } from "./record-usage.ts";
import { touchProviderKey } from "./resolve-provider-key.ts";

export interface RunInput extends PromptRef {
  userId: string;
  target: Partial<Target>;
  fallbacks: Target[];
  settings: SettingsOverride;
  timeoutMs: number;
}

export interface FailedAttempt {
  provider: LlmProvider;
  model: string;
  usage_id: string;
  error_code: string;
  message: string;
  fallback_from: LlmProvider | null;
}

export interface RunSummary {
  usage_id: string;
  provider: LlmProvider;
  model: string;
  fallback_from: LlmProvider | null;
  finish_reason: string | null;
  tokens: { input: number; output: number; cached_input: number };
  latency_ms: number;
  first_token_ms: number;
  cost_micros: number;
  cost_usd: number;
  /** False for models the price table does not know (cost 0). */
  priced: boolean;
  failed_attempts: FailedAttempt[];
}

/** A run whose first text has arrived: what answered, what failed before it, and the rest of the text. */
export interface LiveRun {
  provider: LlmProvider;
  model: string;
  fallbackFrom: LlmProvider | null;
  failedAttempts: FailedAttempt[];
  /** Yields the text; returns the summary once the usage is recorded; throws ProviderError (recorded) when the stream fails. */
  text(): AsyncGenerator<string, RunSummary>;
}

const NO_TOKENS: TokenCounts = { input: 0, output: 0, cachedInput: 0 };

export async function startRun({ ctx, input }: { ctx: ServiceContext; input: RunInput }): Promise<LiveRun> {
  const prompt = await renderForRun(ctx, input);
  const targets = [primaryTarget(prompt.modelConfig, input.target), ...input.fallbacks];
  const settings = settingsFor(prompt.modelConfig, input.settings);
  const keys = await keysFor(ctx, { workspaceId: input.workspaceId, userId: input.userId, targets });
  await assertLlmQuota(ctx, { workspaceId: input.workspaceId, userId: input.userId, requests: 1 });

  const failedAttempts: FailedAttempt[] = [];
  const usageBase = { workspaceId: input.workspaceId, userId: input.userId, promptId: input.promptId, versionId: input.versionId };
  for (const [index, target] of targets.entries()) {
    const key = keys.get(target.provider)!;
    const fallbackFrom = index === 0 ? null : targets[index - 1]!.provider;
    const client = providerClient(ctx.env, target.provider, key.apiKey);
    const controller = new AbortController();
    const request: ChatRequest = { model: target.model, system: prompt.system, messages: prompt.messages, ...settings, signal: controller.signal };
    const startedAt = Date.now();
    const iterator = client.stream(request)[Symbol.asyncIterator]();
    const buffered: StreamPart[] = [];
    let ended = false;
    try {
      for (;;) {
        const next = await nextWithin(iterator, input.timeoutMs, controller, target.provider, "no first token");
        if (next.done) {
          ended = true;
          break;
        }
        buffered.push(next.value);
        if (next.value.type === "delta") break;
      }
    } catch (caught) {
      const error = caught instanceof ProviderError ? caught : new ProviderError(target.provider, "network", String(caught));
      const usageId = newId("usage");
      await recordUsage(ctx, { ...usageBase, id: usageId, ...target, providerKeyId: key.id, tokens: NO_TOKENS, latencyMs: Date.now() - startedAt, status: "error", errorCode: error.code, fallbackFrom });
      failedAttempts.push({ provider: target.provider, model: target.model, usage_id: usageId, error_code: error.code, message: error.message, fallback_from: fallbackFrom });
      if (error.retryable && index < targets.length - 1) continue;
      const failure = error.toApiError();
      throw new ApiError(failure.code, failedAttempts.length > 1 ? `${error.message}; tried ${failedAttempts.map((attempt) => `${attempt.provider}/${attempt.model}`).join(", ")}` : failure.message, {
        details: { provider: error.provider, error_code: error.code, failed_attempts: failedAttempts },
        headers: failure.headers,
      });
    }
    const firstTokenMs = Date.now() - startedAt;

    async function* text(): AsyncGenerator<string, RunSummary> {
      let usage: TokenCounts | undefined;
      let finishReason: string | null = null;
      const take = (part: StreamPart): string | undefined => {
        if (part.type === "usage") usage = part.usage;
        else if (part.type === "finish") finishReason = part.reason;
        else return part.text;
        return undefined;
      };
      const usageId = newId("usage");
      const record = (status: "success" | "error", errorCode: string | null) =>
        recordUsage(ctx, { ...usageBase, id: usageId, ...target, providerKeyId: key.id, tokens: usage ?? NO_TOKENS, latencyMs: Date.now() - startedAt, status, errorCode, fallbackFrom });
      for (const part of buffered) {
        const delta = take(part);
        if (delta) yield delta;
      }
      try {
        while (!ended) {
          const next = await nextWithin(iterator, input.timeoutMs, controller, target.provider, "no data");
          if (next.done) break;
          const delta = take(next.value);
          if (delta) yield delta;
        }
      } catch (caught) {
        const error = caught instanceof ProviderError && caught.kind !== "network" ? caught : new ProviderError(target.provider, "stream_broken", caught instanceof Error ? caught.message : String(caught));
        await record("error", error.code);
        await touchProviderKey(ctx, key.id);
        throw error;
      }
      const costMicros = await record("success", null);
      await touchProviderKey(ctx, key.id);
      const tokens = usage ?? NO_TOKENS;
      return {
        usage_id: usageId,
        provider: target.provider,
        model: target.model,
        fallback_from: fallbackFrom,
        finish_reason: finishReason,
        tokens: { input: tokens.input, output: tokens.output, cached_input: tokens.cachedInput },
        latency_ms: Date.now() - startedAt,
        first_token_ms: firstTokenMs,
        cost_micros: costMicros,
        cost_usd: costMicros / 1e6,
        priced: priceOf(target.provider, target.model) !== undefined,
        failed_attempts: failedAttempts,
      };
    }
    return { provider: target.provider, model: target.model, fallbackFrom, failedAttempts, text };
  }
  throw new ApiError("INTERNAL", "A run needs at least one target");
}
