import { and, asc, eq } from "drizzle-orm";
import { environments, promptVersions } from "@xr2/db/schema";
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { toVersionView } from "./version-view.ts";

/** One version of a prompt of the workspace, with the environments serving it; 404 otherwise. */
export async function getVersion({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; promptId: string; versionId: string } }) {
  const db = ctx.http();
  const [[row], serving] = await Promise.all([
    db
      .select()
      .from(promptVersions)
      .where(and(eq(promptVersions.id, input.versionId), eq(promptVersions.promptId, input.promptId), eq(promptVersions.workspaceId, input.workspaceId)))
      .limit(1),
    db
      .select({ environment: environments.environment })
      .from(environments)
      .where(and(eq(environments.workspaceId, input.workspaceId), eq(environments.promptId, input.promptId), eq(environments.versionId, input.versionId)))
      .orderBy(asc(environments.environment)),
  ]);
  if (!row) throw new ApiError("NOT_FOUND", "Version not found");
  return toVersionView(
    row,
    serving.map((pointer) => pointer.environment),
  );
}
