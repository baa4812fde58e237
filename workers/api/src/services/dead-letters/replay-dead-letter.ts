/**
 * Puts a dead letter's body back on the events queue and marks it replayed. Ingestion is
 * idempotent, so replaying a message that was partly stored, or replaying twice, stores nothing
 * twice; a body that is still invalid comes back as a new dead letter.
 */
import { eq } from "drizzle-orm";
import { deadLetters } from "@xr2/db/schema";
import { ApiError, QUEUE_NAMES } from "@xr2/shared";
import type { ServiceContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { toDeadLetterView } from "./list-dead-letters.ts";

export async function replayDeadLetter({ ctx, input }: { ctx: ServiceContext; input: { actorUserId: string; deadLetterId: string } }) {
  const queue = ctx.env.EVENTS_QUEUE;
  if (!queue) throw new ApiError("MISCONFIGURED", "This worker has no EVENTS_QUEUE binding to replay onto");
  const [letter] = await ctx.http().select().from(deadLetters).where(eq(deadLetters.id, input.deadLetterId)).limit(1);
  if (!letter) throw new ApiError("NOT_FOUND", "Dead letter not found");
  if (letter.queue !== QUEUE_NAMES.events) throw new ApiError("CONFLICT", `Dead letters of ${letter.queue} cannot be replayed onto ${QUEUE_NAMES.events}`);
  await queue.send(letter.body, { contentType: "json" });
  return ctx.db().transaction(async (tx) => {
    const [replayed] = await tx.update(deadLetters).set({ replayedAt: new Date() }).where(eq(deadLetters.id, letter.id)).returning();
    await recordAudit(tx, ctx, { workspaceId: null, actorUserId: input.actorUserId, action: "dead_letter.replay", targetType: "dead_letter", targetId: letter.id, after: { queue: letter.queue, message_id: letter.messageId } });
    return toDeadLetterView(replayed!);
  });
}
