import { describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { auditLog, deadLetters, events, users } from "@xr2/db/schema";
import { newId, type EventBatchMessage } from "@xr2/shared";
import { createPromptFixture } from "../../testing/fixtures.ts";
import { withContext, workspaceWith, type Actor } from "../prompts/prompt-test-support.ts";

async function platformAdmin(): Promise<Actor> {
  const { owner } = await workspaceWith();
  await withContext((ctx) => ctx.db().update(users).set({ isPlatformAdmin: true }).where(eq(users.id, owner.session.user.id)));
  return owner;
}

async function pollUntil<T>(attempt: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (done(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("dead letters (admin)", () => {
  it("lists dead letters and replays one onto the events queue, where it is stored once", async () => {
    const admin = await platformAdmin();
    const fixture = await withContext((ctx) => createPromptFixture(ctx));
    const body: EventBatchMessage = {
      type: "event_batch",
      workspace_id: fixture.workspaceId,
      api_key_id: null,
      received_at: new Date().toISOString(),
      events: [{ event_id: newId("event"), trace_id: newId("trace"), event_name: "signup", category: null, fields: { plan: "pro" }, occurred_at: new Date().toISOString() }],
    };
    const [other, letter] = [newId("deadLetter"), newId("deadLetter")];
    await withContext((ctx) =>
      ctx.db().insert(deadLetters).values([
        { id: other, queue: "xr2-events", messageId: `m-${crypto.randomUUID()}`, body: { type: "nonsense" }, attempts: 1, error: "invalid message" },
        { id: letter, queue: "xr2-events", messageId: `m-${crypto.randomUUID()}`, body, attempts: 11, error: "not stored within the retries of xr2-events" },
      ]),
    );

    const pending = await admin.call("GET", "/api/admin/dead-letters?limit=200");
    expect(pending.status, JSON.stringify(pending.body)).toBe(200);
    const listed = pending.body!.dead_letters as Array<{ id: string }>;
    expect(listed.map((row) => row.id)).toEqual(expect.arrayContaining([letter, other]));
    expect(listed.findIndex((row) => row.id === letter)).toBeLessThan(listed.findIndex((row) => row.id === other));
    expect(listed.find((row) => row.id === letter)).toEqual({ id: letter, queue: "xr2-events", message_id: expect.any(String), body, attempts: 11, error: expect.any(String), received_at: expect.any(String), replayed_at: null });

    const page = await admin.call("GET", "/api/admin/dead-letters?limit=1&status=all");
    expect(page.body!.dead_letters).toHaveLength(1);
    const next = await admin.call("GET", `/api/admin/dead-letters?limit=1&status=all&cursor=${page.body!.next_cursor}`);
    expect(next.body!.dead_letters[0].id < page.body!.dead_letters[0].id).toBe(true);

    const replayed = await admin.call("POST", `/api/admin/dead-letters/${letter}/replay`);
    expect(replayed.status, JSON.stringify(replayed.body)).toBe(200);
    expect(replayed.body).toMatchObject({ id: letter, replayed_at: expect.any(String) });
    // Replaying again is harmless: the event is stored once.
    expect((await admin.call("POST", `/api/admin/dead-letters/${letter}/replay`)).status).toBe(200);
    const stored = await pollUntil(
      () => withContext((ctx) => ctx.db().select().from(events).where(and(eq(events.workspaceId, fixture.workspaceId), inArray(events.eventId, [body.events[0]!.event_id])))),
      (rows) => rows.length > 0,
    );
    expect(stored).toEqual([expect.objectContaining({ eventName: "signup", fields: { plan: "pro" } })]);

    const replayedList = (await admin.call("GET", "/api/admin/dead-letters?status=replayed&limit=200")).body!.dead_letters as Array<{ id: string }>;
    expect(replayedList.map((row) => row.id)).toContain(letter);
    expect(((await admin.call("GET", "/api/admin/dead-letters?limit=200")).body!.dead_letters as Array<{ id: string }>).map((row) => row.id)).not.toContain(letter);
    const audit = await withContext((ctx) => ctx.db().select().from(auditLog).where(and(eq(auditLog.targetId, letter), eq(auditLog.action, "dead_letter.replay"))));
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ workspaceId: null, actorUserId: admin.session.user.id });
  });

  it("answers 404 for an unknown dead letter, 400 for a bad cursor, 403 for workspace admins", async () => {
    const admin = await platformAdmin();
    expect((await admin.call("POST", `/api/admin/dead-letters/${newId("deadLetter")}/replay`)).status).toBe(404);
    expect((await admin.call("GET", "/api/admin/dead-letters?cursor=garbage")).status).toBe(400);
    expect((await admin.call("GET", "/api/admin/dead-letters?status=lost")).status).toBe(400);
    const { owner } = await workspaceWith();
    expect((await owner.call("GET", "/api/admin/dead-letters")).status).toBe(403);
  });
});
