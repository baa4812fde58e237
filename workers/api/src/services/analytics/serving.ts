/**
 * How apps were served (D2): get-prompt answers rendered by the edge, prompts SDKs rendered
 * themselves by where they had the template (fetched just now, from their cache, past its TTL
 * while xR2 was unreachable, from a bundle shipped with the app), and the times an app served its
 * own fallback text because its SDK had nothing from xR2. Stale, bootstrap and fallback answers
 * are the times an app ran without reaching xR2; the dashboard shows their share.
 *
 * Read from the exposures and fallback_uses rows of the range (not the hourly buckets, which do
 * not keep the origin), under the analytics statement budget.
 */
import { and, eq, sql } from "drizzle-orm";
import { prompts, type Environment } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { checkRange } from "./analytics-scope.ts";
import { runBudgetedQuery } from "./large-scan.ts";

export const SERVING_ORIGINS = ["edge", "network", "cache", "stale", "bootstrap", "fallback"] as const;
export type ServingOrigin = (typeof SERVING_ORIGINS)[number];
export const SERVING_MAX_RANGE_DAYS = 92;
/** Slugs listed with their fallback counts, most used first. */
export const SERVING_TOP_FALLBACK_SLUGS = 20;

export interface ServingInput {
  workspaceId: string;
  from: Date;
  to: Date;
  promptId?: string | undefined;
  environment?: Environment | undefined;
}

export interface Serving {
  from: string;
  to: string;
  total: number;
  /** Every origin, zero when none was served that way. */
  by_origin: Array<{ origin: ServingOrigin; count: number; share: number | null }>;
  /** Answers that did not come from xR2 at that moment: stale, bootstrap and fallback. */
  without_xr2: number;
  fallback_slugs: Array<{ slug: string; count: number }>;
}

export async function getServing({ ctx, input }: { ctx: ServiceContext; input: ServingInput }): Promise<Serving> {
  checkRange(input.from, input.to, SERVING_MAX_RANGE_DAYS, "Serving figures");
  let slug: string | null = null;
  if (input.promptId) {
    const [row] = await ctx.http().select({ slug: prompts.slug }).from(prompts).where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId))).limit(1);
    if (!row) throw new ApiError("NOT_FOUND", "Prompt not found");
    slug = row.slug;
  }
  const hint = "narrow the date range";
  const [origins, fallbacks] = await Promise.all([
    runBudgetedQuery<{ origin: string | null; count: number }>(
      ctx,
      sql`select origin::text as origin, count(*)::int as count from exposures
          where workspace_id = ${input.workspaceId} and served_at >= ${input.from.toISOString()} and served_at < ${input.to.toISOString()}
            ${input.promptId ? sql`and prompt_id = ${input.promptId}` : sql``}
            ${input.environment ? sql`and environment = ${input.environment}` : sql``}
          group by origin`,
      { hint },
    ),
    // A fallback names only the slug the app asked for: a prompt's are those under its current slug.
    runBudgetedQuery<{ slug: string; count: number; total: number }>(
      ctx,
      sql`select slug, count(*)::int as count, (sum(count(*)) over ())::int as total from fallback_uses
          where workspace_id = ${input.workspaceId} and served_at >= ${input.from.toISOString()} and served_at < ${input.to.toISOString()}
            ${slug !== null ? sql`and slug = ${slug}` : sql``}
            ${input.environment ? sql`and environment = ${input.environment}` : sql``}
          group by slug order by count(*) desc, slug limit ${SERVING_TOP_FALLBACK_SLUGS}`,
      { hint },
    ),
  ]);
  const counts = new Map<ServingOrigin, number>(SERVING_ORIGINS.map((origin) => [origin, 0]));
  for (const row of origins) counts.set((row.origin ?? "edge") as ServingOrigin, row.count);
  // Slugs come from apps (any string an SDK was asked for): only the top ones are read, with the total beside them.
  counts.set("fallback", fallbacks[0]?.total ?? 0);
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  return {
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    total,
    by_origin: SERVING_ORIGINS.map((origin) => ({ origin, count: counts.get(origin)!, share: total > 0 ? counts.get(origin)! / total : null })),
    without_xr2: counts.get("stale")! + counts.get("bootstrap")! + counts.get("fallback")!,
    fallback_slugs: fallbacks.map(({ slug, count }) => ({ slug, count })),
  };
}
