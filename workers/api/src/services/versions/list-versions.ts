/** Versions of a prompt, newest first, a page at a time (keyset on the version number). */
import { and, desc, eq, lt } from "drizzle-orm";
import * as z from "zod";
import { environments, prompts, promptVersions } from "@xr2/db/schema";
import { ApiError, ENVIRONMENTS } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { decodeCursor, pageOf } from "../pagination/cursor.ts";
import { toVersionSummary } from "./version-view.ts";

const cursorSchema = z.tuple([z.literal("version"), z.number().int().positive()]);

export async function listVersions({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { workspaceId: string; promptId: string; limit: number; cursor?: string | undefined };
}) {
  const before = input.cursor === undefined ? undefined : decodeCursor(input.cursor, cursorSchema)[1];
  const db = ctx.http();
  const [[prompt], rows, serving] = await Promise.all([
    db
      .select({ id: prompts.id })
      .from(prompts)
      .where(and(eq(prompts.id, input.promptId), eq(prompts.workspaceId, input.workspaceId)))
      .limit(1),
    db
      .select()
      .from(promptVersions)
      .where(
        and(
          eq(promptVersions.promptId, input.promptId),
          eq(promptVersions.workspaceId, input.workspaceId),
          before === undefined ? undefined : lt(promptVersions.versionNumber, before),
        ),
      )
      .orderBy(desc(promptVersions.versionNumber))
      .limit(input.limit + 1),
    db
      .select({ versionId: environments.versionId, environment: environments.environment })
      .from(environments)
      .where(and(eq(environments.workspaceId, input.workspaceId), eq(environments.promptId, input.promptId))),
  ]);
  if (!prompt) throw new ApiError("NOT_FOUND", "Prompt not found");

  const { page, next_cursor } = pageOf(rows, input.limit, (last) => ["version", last.versionNumber]);
  return {
    versions: page.map((row) =>
      toVersionSummary(
        row,
        ENVIRONMENTS.filter((environment) => serving.some((pointer) => pointer.versionId === row.id && pointer.environment === environment)),
      ),
    ),
    next_cursor,
  };
}
