/**
 * /api/alerts and /api/notifications: the rule's life through the API (audited), who may do
 * what (Viewer reads, Member writes), another workspace's ids (404), and the 400s of rules that
 * cannot be evaluated. The evaluation itself is tested in services/alerts/evaluate-alerts.test.ts.
 */
import { describe, expect, it } from "vitest";
import { and, asc, eq, sql } from "drizzle-orm";
import { alertRules, auditLog } from "@xr2/db/schema";
import { ALERT_LIMITS } from "../../services/alerts/alert-rule-view.ts";
import { createPrompt, withContext, workspaceWith } from "../prompts/prompt-test-support.ts";

const errorRule = { name: "Errors up", metric: "error_rate", threshold: 0.05 };

describe("alert rules", () => {
  it("creates with defaults, reads, lists, changes and deletes a rule, auditing each change", async () => {
    const { owner } = await workspaceWith();
    const prompt = await createPrompt(owner);
    const created = await owner.call("POST", "/api/alerts", { ...errorRule, prompt_id: prompt.id, environment: "production" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^alr_[0-9a-z]{26}$/),
      name: "Errors up",
      metric: "error_rate",
      prompt_id: prompt.id,
      environment: "production",
      comparison: "above",
      threshold: 0.05,
      window_minutes: 60,
      baseline_window_minutes: null,
      event_name: null,
      experiment_id: null,
      min_requests: 1,
      enabled: true,
      state: "ok",
      last_value: null,
      last_evaluated_at: null,
    });
    const id = created.body!.id as string;
    const conversion = await owner.call("POST", "/api/alerts", { name: "Fewer sign-ups", metric: "conversion_rate", threshold: -0.3, window_minutes: 180, baseline_window_minutes: 7 * 24 * 60, event_name: "signup" });
    expect(conversion.status, JSON.stringify(conversion.body)).toBe(201);
    expect(conversion.body).toMatchObject({ comparison: "below", prompt_id: null, environment: null, baseline_window_minutes: 10080, event_name: "signup" });

    expect((await owner.call("GET", `/api/alerts/${id}`)).body).toEqual(created.body);
    const list = await owner.call("GET", "/api/alerts");
    expect(list.body!.alerts.map((rule: { id: string }) => rule.id)).toEqual([id, conversion.body!.id]);

    const changed = await owner.call("PATCH", `/api/alerts/${id}`, { threshold: 0.1, environment: null, window_minutes: 120 });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ id, threshold: 0.1, environment: null, window_minutes: 120, prompt_id: prompt.id });

    expect((await owner.call("DELETE", `/api/alerts/${id}`)).status).toBe(204);
    expect((await owner.call("GET", `/api/alerts/${id}`)).status).toBe(404);
    expect((await owner.call("DELETE", `/api/alerts/${id}`)).status).toBe(404);

    const audit = await withContext((ctx) =>
      ctx.db().select().from(auditLog).where(and(eq(auditLog.workspaceId, owner.workspaceId), eq(auditLog.targetId, id))).orderBy(asc(auditLog.createdAt), asc(auditLog.id)),
    );
    expect(audit.map((row) => row.action)).toEqual(["alert_rule.create", "alert_rule.update", "alert_rule.delete"]);
    expect(audit[1]!.before).toMatchObject({ threshold: 0.05, environment: "production", window_minutes: 60 });
    expect(audit[1]!.after).toMatchObject({ threshold: 0.1, environment: null, window_minutes: 120 });
    expect(audit[2]!.before).toMatchObject({ name: "Errors up", metric: "error_rate" });
  });

  it("lets a Viewer read rules, history and notifications but not change them; a Member may", async () => {
    const { owner, members } = await workspaceWith("viewer", "member");
    const [viewer, member] = members;
    const byMember = await member.call("POST", "/api/alerts", errorRule);
    expect(byMember.status, JSON.stringify(byMember.body)).toBe(201);
    const id = byMember.body!.id as string;
    expect((await member.call("PATCH", `/api/alerts/${id}`, { name: "Renamed" })).status).toBe(200);

    expect((await viewer.call("POST", "/api/alerts", errorRule)).status).toBe(403);
    expect((await viewer.call("PATCH", `/api/alerts/${id}`, { name: "Mine now" })).status).toBe(403);
    expect((await viewer.call("DELETE", `/api/alerts/${id}`)).status).toBe(403);
    expect((await viewer.call("GET", "/api/alerts")).body!.alerts.map((rule: { name: string }) => rule.name)).toEqual(["Renamed"]);
    expect((await viewer.call("GET", `/api/alerts/${id}`)).status).toBe(200);
    expect((await viewer.call("GET", `/api/alerts/${id}/history`)).body).toEqual({ events: [], next_cursor: null });
    expect((await viewer.call("GET", "/api/notifications")).body).toEqual({ events: [], next_cursor: null });

    expect((await member.call("DELETE", `/api/alerts/${id}`)).status).toBe(204);
    expect((await owner.call("GET", "/api/alerts")).body!.alerts).toEqual([]);
  });

  it("answers 404 for another workspace's rule, prompt and experiment", async () => {
    const { owner } = await workspaceWith();
    const { owner: other } = await workspaceWith();
    const theirs = await other.call("POST", "/api/alerts", errorRule);
    const id = theirs.body!.id as string;
    expect((await owner.call("GET", `/api/alerts/${id}`)).status).toBe(404);
    expect((await owner.call("PATCH", `/api/alerts/${id}`, { name: "x" })).status).toBe(404);
    expect((await owner.call("DELETE", `/api/alerts/${id}`)).status).toBe(404);
    expect((await owner.call("GET", `/api/alerts/${id}/history`)).status).toBe(404);
    expect((await owner.call("GET", "/api/alerts")).body!.alerts).toEqual([]);

    const theirPrompt = await createPrompt(other);
    const onTheirPrompt = await owner.call("POST", "/api/alerts", { ...errorRule, prompt_id: theirPrompt.id });
    expect(onTheirPrompt.status).toBe(404);
    expect(onTheirPrompt.body!.error.message).toBe("Prompt not found");
    const mine = await owner.call("POST", "/api/alerts", errorRule);
    expect((await owner.call("PATCH", `/api/alerts/${mine.body!.id}`, { prompt_id: theirPrompt.id })).status).toBe(404);
    expect((await owner.call("POST", "/api/alerts", { name: "srm", metric: "srm", threshold: 0.001, experiment_id: "exp_01jzzzzzzzzzzzzzzzzzzzzzzz" })).status).toBe(404);
    // Their rule is untouched.
    expect((await other.call("GET", `/api/alerts/${id}`)).body).toMatchObject({ name: "Errors up" });
  });

  it("answers 400, saying why, to rules that cannot be evaluated", async () => {
    const { owner } = await workspaceWith();
    const refused = async (body: Record<string, unknown>, why: RegExp) => {
      const response = await owner.call("POST", "/api/alerts", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body!.error.code).toBe("VALIDATION_FAILED");
      expect(response.body!.error.message).toMatch(why);
    };
    await refused({ ...errorRule, metric: "uptime" }, /metric/);
    await refused({ ...errorRule, name: " " }, /name/);
    await refused({ name: "x", metric: "error_rate" }, /threshold/);
    await refused({ ...errorRule, threshold: 2 }, /threshold: for error_rate it is a fraction/);
    await refused({ ...errorRule, window_minutes: 30 }, /window_minutes/);
    await refused({ ...errorRule, window_minutes: 90 }, /whole hours/);
    await refused({ ...errorRule, window_minutes: 8 * 24 * 60 }, /window_minutes/);
    await refused({ ...errorRule, environment: "qa" }, /environment/);
    await refused({ ...errorRule, event_name: "signup" }, /event_name: only for the conversion_rate metric/);
    await refused({ ...errorRule, experiment_id: "exp_1" }, /experiment_id: only for the srm metric/);
    await refused({ ...errorRule, colour: "red" }, /colour/);
    await refused({ name: "c", metric: "conversion_rate", threshold: -0.2 }, /baseline_window_minutes/);
    await refused({ name: "c", metric: "conversion_rate", threshold: -0.2, window_minutes: 180, baseline_window_minutes: 120 }, /at least window_minutes/);
    await refused({ name: "s", metric: "srm", threshold: 0.001 }, /give experiment_id, or prompt_id/);
    const rule = await owner.call("POST", "/api/alerts", errorRule);
    const patch = await owner.call("PATCH", `/api/alerts/${rule.body!.id}`, {});
    expect(patch.status).toBe(400);
    expect(patch.body!.error.message).toMatch(/at least one field/);
    expect((await owner.call("PATCH", `/api/alerts/${rule.body!.id}`, { metric: "srm" })).status).toBe(400);
    expect((await owner.call("PATCH", `/api/alerts/${rule.body!.id}`, { threshold: -1 })).status).toBe(400);
    expect((await owner.call("GET", `/api/alerts/${rule.body!.id}/history?limit=0`)).status).toBe(400);
    expect((await owner.call("GET", "/api/notifications?cursor=garbage")).status).toBe(400);
  });

  it("refuses with 409 a change checked against a rule that another change altered meanwhile, so no rule is stored that the check refuses", { timeout: 60_000 }, async ({ skip }) => {
    const version = await withContext(async (ctx) => String((await ctx.http().execute(sql`select version() as version`)).rows[0]?.version));
    // PGlite (the default test database) runs one transaction at a time across connections: the
    // two changes could not wait inside the open one. The race exists, and is shown, on Postgres.
    if (version.includes("PGlite")) skip("needs a Postgres server (TEST_DATABASE_URL): PGlite cannot interleave two transactions");
    const { owner } = await workspaceWith();
    const rule = await owner.call("POST", "/api/alerts", { name: "Fewer sign-ups", metric: "conversion_rate", threshold: -0.3, window_minutes: 180, baseline_window_minutes: 10080, event_name: "signup" });
    const id = rule.body!.id as string;
    // Each change is valid on the rule as it is; together they make a window longer than the
    // baseline it is compared with, which the check refuses.
    const shorterBaseline = { baseline_window_minutes: 240 };
    const longerWindow = { window_minutes: 360 };
    const answers = await withContext((ctx) =>
      ctx.db().transaction(async (tx) => {
        // The row is held (as an evaluation or a third change would hold it) while both changes arrive, in this order.
        await tx.select({ id: alertRules.id }).from(alertRules).where(eq(alertRules.id, id)).for("update");
        const [{ pid }] = (await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`)).rows as [{ pid: number }];
        // The backend that waits for `blocker`: the first change waits for this transaction, the
        // second for the first (the row's lock queue). Followed by pid, so another file's waits do not count.
        const waiterOn = async (blocker: number) =>
          withContext(async (watcher) => {
            for (let waited = 0; ; waited++) {
              const [row] = (await watcher.http().execute<{ pid: number }>(sql`select pid from pg_stat_activity where datname = current_database() and ${blocker} = any(pg_blocking_pids(pid)) limit 1`)).rows as Array<{ pid: number }>;
              if (row) return row.pid;
              if (waited > 200) throw new Error(`nothing ever waited for backend ${blocker} on the rule's lock`);
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
          });
        const first = owner.call("PATCH", `/api/alerts/${id}`, shorterBaseline);
        const firstPid = await waiterOn(pid);
        const second = owner.call("PATCH", `/api/alerts/${id}`, longerWindow);
        await waiterOn(firstPid);
        return [first, second] as const;
      }),
    );
    const [first, second] = [await answers[0], await answers[1]];
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(second.status, JSON.stringify(second.body)).toBe(409);
    expect(second.body!.error.code).toBe("CONFLICT");
    expect(second.body!.error.message).toMatch(/changed meanwhile by another request/);
    expect((await owner.call("GET", `/api/alerts/${id}`)).body).toMatchObject({ window_minutes: 180, baseline_window_minutes: 240 });
    // Sent again, the change is judged on the rule as it now is.
    const again = await owner.call("PATCH", `/api/alerts/${id}`, longerWindow);
    expect(again.status).toBe(400);
    expect(again.body!.error.message).toMatch(/at least window_minutes/);
  });

  it(`holds at most ${ALERT_LIMITS.rulesPerWorkspace} rules per workspace`, async () => {
    const { owner } = await workspaceWith();
    for (let index = 0; index < ALERT_LIMITS.rulesPerWorkspace; index++) {
      const response = await owner.call("POST", "/api/alerts", { ...errorRule, name: `rule ${index}` });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
    }
    const over = await owner.call("POST", "/api/alerts", errorRule);
    expect(over.status).toBe(409);
    expect(over.body!.error.message).toMatch(/at most 50 alert rules/);
  });
});
