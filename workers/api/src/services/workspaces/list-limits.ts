/**
 * The limits in force for a workspace (E3, S4), read-only: the workspace's own row where the
 * platform admin set one, else the platform default, else none. A null value exempts. Per-user
 * overrides (user_limits) are the user's business and not listed here.
 */
import { eq } from "drizzle-orm";
import { globalLimits, limitNameEnum, workspaceLimits } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";

export async function listWorkspaceLimits({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string } }) {
  const db = ctx.http();
  const [own, platform] = await Promise.all([
    db.select({ name: workspaceLimits.name, value: workspaceLimits.value }).from(workspaceLimits).where(eq(workspaceLimits.workspaceId, input.workspaceId)),
    db.select({ name: globalLimits.name, value: globalLimits.value }).from(globalLimits),
  ]);
  const ownByName = new Map(own.map((row) => [row.name, row.value]));
  const platformByName = new Map(platform.map((row) => [row.name, row.value]));
  return limitNameEnum.enumValues.map((name) => {
    if (ownByName.has(name)) return { name, value: ownByName.get(name) ?? null, source: "workspace" as const };
    if (platformByName.has(name)) return { name, value: platformByName.get(name) ?? null, source: "platform" as const };
    return { name, value: null, source: "none" as const };
  });
}
