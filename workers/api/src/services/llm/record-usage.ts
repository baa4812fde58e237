/** One llm_usage row per provider call (attempts of a failover included), over HTTP: it may run after the response started. */
import { llmUsage, type LlmProvider } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { costMicros, priceOf, type TokenCounts } from "./price-table.ts";

export interface UsageRecord {
  id: string;
  workspaceId: string;
  userId: string;
  promptId: string | null;
  versionId: string | null;
  provider: LlmProvider;
  model: string;
  providerKeyId: string;
  tokens: TokenCounts;
  latencyMs: number;
  status: "success" | "error";
  errorCode?: string | null;
  fallbackFrom?: LlmProvider | null;
}

/** Records the call and returns its cost in micro-dollars (0 for models the price table does not know). */
export async function recordUsage(ctx: ServiceContext, record: UsageRecord): Promise<number> {
  const cost = costMicros(priceOf(record.provider, record.model), record.tokens);
  await ctx.http().insert(llmUsage).values({
    id: record.id,
    workspaceId: record.workspaceId,
    userId: record.userId,
    promptId: record.promptId,
    versionId: record.versionId,
    provider: record.provider,
    model: record.model,
    providerKeyId: record.providerKeyId,
    tokensIn: record.tokens.input,
    tokensOut: record.tokens.output,
    tokensCached: record.tokens.cachedInput,
    costMicros: cost,
    latencyMs: Math.max(0, Math.round(record.latencyMs)),
    status: record.status,
    errorCode: record.errorCode ?? null,
    fallbackFrom: record.fallbackFrom ?? null,
  });
  return cost;
}
