/**
 * What an assistant names a prompt or version by: a prompt by its id or its slug, a version by
 * its id or its number, read as the REST routes read them (services/prompts/find-by-reference.ts),
 * inside the caller's workspace; a tool answers NOT_FOUND for what names nothing.
 */
import { ApiError } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { findPromptId, findVersionId } from "../../services/prompts/find-by-reference.ts";

/** The id of the workspace's prompt named by `reference` (its id or slug); NOT_FOUND otherwise. */
export async function resolvePromptId(ctx: ServiceContext, workspaceId: string, reference: string): Promise<string> {
  const id = await findPromptId(ctx.http(), workspaceId, reference);
  if (id === undefined) throw new ApiError("NOT_FOUND", `Prompt not found: ${reference}`);
  return id;
}

/** The id of the prompt's version named by `reference` (its id, or its number); NOT_FOUND otherwise. */
export async function resolveVersionId(ctx: ServiceContext, workspaceId: string, promptId: string, reference: string | number): Promise<string> {
  const number = typeof reference === "number" ? reference : /^\d{1,9}$/.test(reference) ? Number(reference) : undefined;
  const id = await findVersionId(ctx.http(), workspaceId, promptId, number === undefined ? { id: String(reference) } : { number });
  if (id === undefined) throw new ApiError("NOT_FOUND", `Version not found: ${reference}`);
  return id;
}
