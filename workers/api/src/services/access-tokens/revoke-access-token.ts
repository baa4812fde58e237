/**
 * Revoking an access token: its own creator, or an Admin of its workspace. `authenticate` reads
 * the token on every request, so the next call with it is refused. Revoking a revoked token is
 * a no-op; someone else's token is, for a non-Admin, a token that does not exist (404).
 */
import { and, eq } from "drizzle-orm";
import { accessTokens } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import type { Role } from "../../permissions.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { managesAllAccessTokens } from "./list-access-tokens.ts";

export async function revokeAccessToken({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; actorUserId: string; role: Role; tokenId: string } }): Promise<void> {
  await ctx.db().transaction(async (tx) => {
    const [token] = await tx
      .select()
      .from(accessTokens)
      .where(and(eq(accessTokens.id, input.tokenId), eq(accessTokens.workspaceId, input.workspaceId)))
      .for("update")
      .limit(1);
    if (!token || (token.createdById !== input.actorUserId && !managesAllAccessTokens(input.role))) throw new ApiError("NOT_FOUND", "Access token not found");
    if (token.revokedAt !== null) return;
    const revokedAt = new Date();
    await tx.update(accessTokens).set({ revokedAt, revokedById: input.actorUserId }).where(eq(accessTokens.id, token.id));
    await recordAudit(tx, ctx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "access_token.revoke",
      targetType: "access_token",
      targetId: token.id,
      before: { name: token.name, token_prefix: token.tokenPrefix, created_by_id: token.createdById, revoked_at: null },
      after: { name: token.name, token_prefix: token.tokenPrefix, created_by_id: token.createdById, revoked_at: revokedAt.toISOString() },
    });
  });
}
