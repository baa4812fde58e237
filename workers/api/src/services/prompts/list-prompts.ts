/**
 * The prompt list: search, filter by tag and status, sort, keyset pagination. The cursor holds
 * the sort value and id of the last row; rows are ordered by (sort value, id), so ties on the
 * sort value are broken by id and a walk through all pages sees every row exactly once.
 * Timestamps go into the cursor as text with microseconds, the database's own precision
 * (a JS Date would round them to milliseconds and skip or repeat rows).
 */
import { and, asc, desc, eq, exists, ilike, or, sql, type SQL } from "drizzle-orm";
import * as z from "zod";
import { prompts, promptTags, tags, type PromptStatus } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { decodeCursor, pageOf } from "../pagination/cursor.ts";
import { TAG_ID_PATTERN } from "../tags/tag-view.ts";
import { loadPromptViews } from "./prompt-view.ts";

export const PROMPT_SORTS = ["updated_at", "created_at", "name", "slug"] as const;
export type PromptSort = (typeof PROMPT_SORTS)[number];
export type SortOrder = "asc" | "desc";

export interface ListPromptsInput {
  workspaceId: string;
  q?: string | undefined;
  tag?: string | undefined;
  status: PromptStatus;
  sort: PromptSort;
  order?: SortOrder | undefined;
  limit: number;
  cursor?: string | undefined;
}

const cursorSchema = z.tuple([z.enum(PROMPT_SORTS), z.enum(["asc", "desc"]), z.string().max(1000), z.string().max(64)]);

/** `%`, `_` and `\` in a search are literal characters, not LIKE wildcards. */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export async function listPrompts({ ctx, input }: { ctx: ServiceContext; input: ListPromptsInput }) {
  // Newest first for dates, alphabetical for names, unless asked otherwise.
  const order: SortOrder = input.order ?? (input.sort === "name" || input.sort === "slug" ? "asc" : "desc");
  const column = { updated_at: prompts.updatedAt, created_at: prompts.createdAt, name: prompts.name, slug: prompts.slug }[input.sort];
  const isTimestamp = input.sort === "updated_at" || input.sort === "created_at";
  const sortValue: SQL<string> = isTimestamp ? sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` : sql<string>`${column}`;

  const conditions: Array<SQL | undefined> = [eq(prompts.workspaceId, input.workspaceId), eq(prompts.status, input.status)];
  if (input.q !== undefined && input.q !== "") {
    const pattern = likePattern(input.q);
    conditions.push(or(ilike(prompts.slug, pattern), ilike(prompts.name, pattern), ilike(prompts.description, pattern)));
  }
  if (input.tag !== undefined) {
    const tagMatches = TAG_ID_PATTERN.test(input.tag) ? eq(tags.id, input.tag) : eq(tags.name, input.tag);
    conditions.push(
      exists(
        ctx
          .http()
          .select({ one: sql`1` })
          .from(promptTags)
          .innerJoin(tags, and(eq(tags.id, promptTags.tagId), eq(tags.workspaceId, promptTags.workspaceId)))
          .where(and(eq(promptTags.workspaceId, input.workspaceId), eq(promptTags.promptId, prompts.id), tagMatches)),
      ),
    );
  }
  if (input.cursor !== undefined) {
    const [, , value, id] = decodeCursor(input.cursor, cursorSchema.refine(([sort, cursorOrder]) => sort === input.sort && cursorOrder === order));
    const boundary = isTimestamp ? sql`(${value}::timestamptz, ${id}::text)` : sql`(${value}::text, ${id}::text)`;
    conditions.push(sql`(${column}, ${prompts.id}) ${sql.raw(order === "asc" ? ">" : "<")} ${boundary}`);
  }

  const direction = order === "asc" ? asc : desc;
  const rows = await ctx
    .http()
    .select({ prompt: prompts, sortValue })
    .from(prompts)
    .where(and(...conditions))
    .orderBy(direction(column), direction(prompts.id))
    .limit(input.limit + 1);

  const { page, next_cursor } = pageOf(rows, input.limit, (last) => [input.sort, order, last.sortValue, last.prompt.id]);
  return {
    prompts: await loadPromptViews(
      ctx,
      input.workspaceId,
      page.map((row) => row.prompt),
    ),
    next_cursor,
  };
}
