/** Promote: deploy to `to` the version that `from` serves now (e.g. staging → production), under the same approval policy as publish. */
import { and, eq } from "drizzle-orm";
import { environments } from "@xr2/db/schema";
import { ApiError, type Environment } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import type { Role } from "../../permissions.ts";
import { requestDeployment } from "./request-deployment.ts";

export async function promotePrompt({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; promptId: string; from: Environment; to: Environment; actorUserId: string; actorRole: Role; note?: string | undefined };
}) {
  if (input.from === input.to) throw new ApiError("VALIDATION_FAILED", "Promote between two different environments");
  const [source] = await ctx
    .http()
    .select({ versionId: environments.versionId })
    .from(environments)
    .where(and(eq(environments.workspaceId, input.workspaceId), eq(environments.promptId, input.promptId), eq(environments.environment, input.from)))
    .limit(1);
  if (!source) throw new ApiError("CONFLICT", `Nothing is published to ${input.from}; there is nothing to promote`);
  return requestDeployment({
    ctx,
    input: { workspaceId: input.workspaceId, promptId: input.promptId, versionId: source.versionId, environment: input.to, actorUserId: input.actorUserId, actorRole: input.actorRole, action: "promote", note: input.note },
  });
}
