import { asc, eq, or } from "drizzle-orm";
import { llmProviderKeys } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { toProviderKeyView } from "./provider-key-owner.ts";

/** The workspace's keys and the caller's own keys (views only: suffix, last use). */
export async function listProviderKeys({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; userId: string } }) {
  const rows = await ctx
    .http()
    .select()
    .from(llmProviderKeys)
    .where(or(eq(llmProviderKeys.workspaceId, input.workspaceId), eq(llmProviderKeys.userId, input.userId)))
    .orderBy(asc(llmProviderKeys.provider));
  const views = rows.map(toProviderKeyView);
  return { workspace_keys: views.filter((key) => key.scope === "workspace"), user_keys: views.filter((key) => key.scope === "user") };
}
