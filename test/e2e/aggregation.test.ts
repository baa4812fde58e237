/**
 * The aggregation job (A2) on the whole local stack: a platform admin registers the QStash
 * schedule (twice: still one schedule), QStash delivers the job to the API worker with a real
 * signature, and a second delivery of the same job leaves the stats exactly as they were.
 */
import { Client } from "@upstash/qstash";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.ts";
import { apiClient } from "../support/http-client.ts";
import { startTestStack } from "../support/test-stack.ts";

let stack: LocalStack;
let stopStack: () => Promise<void>;
let database: pg.Client;

beforeAll(async () => {
  ({ stack, stop: stopStack } = await startTestStack());
  database = new pg.Client({ connectionString: stack.services.database!.connectionString });
  await database.connect();
}, 120_000);

afterAll(async () => {
  await database?.end();
  await stopStack?.();
});

const api = apiClient(() => stack.urls.api);

/** Waits until QStash has finished with a message; its final state. */
async function delivered(messageId: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(`${stack.urls.qstash}/v2/messages/${messageId}`, { headers: { authorization: `Bearer ${stack.services.qstash!.token}` } });
    const { state } = (await response.json()) as { state: string };
    if (["DELIVERED", "FAILED", "CANCELED"].includes(state) || Date.now() > deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stats(workspaceId: string) {
  const { rows } = await database.query(
    `select 'hour' as width, * from prompt_stats_hourly where workspace_id = $1
     union all select 'day', * from prompt_stats_daily where workspace_id = $1
     order by width, bucket_start, variant`,
    [workspaceId],
  );
  return rows;
}

describe("aggregation scheduled and delivered by QStash", () => {
  it("registers one schedule, accepts QStash's signed deliveries, refuses unsigned ones, and gives the same stats when delivered twice", async () => {
    const session = await api("POST", "/api/auth/register", { body: { email: `ops-${crypto.randomUUID()}@example.com`, password: "correct horse battery", name: "Ops" } });
    expect(session.status).toBe(201);
    const token = session.body.access_token as string;
    await database.query("update users set is_platform_admin = true where id = $1", [session.body.user.id]);
    const workspace = await api("POST", "/api/workspaces", { token, body: { name: "Stats" } });

    const destination = `${stack.urls.api}/api/jobs/aggregate`;
    for (let time = 0; time < 2; time++) {
      const registered = await api("POST", "/api/admin/jobs/schedule", { token });
      expect(registered.status, JSON.stringify(registered.body)).toBe(200);
      expect(registered.body).toMatchObject({ schedule_id: "xr2-aggregate", destination });
    }
    const qstash = new Client({ baseUrl: stack.urls.qstash, token: stack.services.qstash!.token, devMode: false, enableTelemetry: false });
    expect((await qstash.schedules.list()).map((schedule) => [schedule.scheduleId, schedule.destination])).toEqual([["xr2-aggregate", destination]]);

    // Three requests in one hour (one failed), and a conversion attributed to the first.
    const hour = "2026-03-10T09:00:00Z";
    const traces = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()].map((id) => `tr_${id}`);
    for (const [index, latency] of [10, 20, 40].entries()) {
      await database.query(
        `insert into exposures (trace_id, workspace_id, prompt_id, version_id, environment, latency_ms, status, served_at)
         values ($1, $2, 'pr_e2e', 'pv_e2e', 'production', $3, $4, $5::timestamptz + $6 * interval '1 minute')`,
        [traces[index], workspace.body.id, latency, index === 2 ? "error" : "success", hour, index],
      );
    }
    await database.query(
      `insert into events (workspace_id, event_id, trace_id, event_name, category, occurred_at) values ($1, 'evt_e2e', $2, 'purchase', 'conversion', $3::timestamptz + interval '30 minutes')`,
      [workspace.body.id, traces[0], hour],
    );

    expect((await api("POST", "/api/jobs/aggregate")).status).toBe(401);

    const first = await qstash.publish({ url: destination, retries: 0 });
    expect(await delivered(first.messageId)).toBe("DELIVERED");
    const once = await stats(workspace.body.id);
    expect(once.map((row) => [row.width, row.variant, Number(row.requests), Number(row.errors), row.latency_p50_ms, row.latency_p95_ms, Number(row.events), Number(row.conversions)])).toEqual([
      // p95 of 10, 20, 40 interpolates 38.
      ["day", "", 3, 1, 20, 38, 1, 1],
      ["hour", "", 3, 1, 20, 38, 1, 1],
    ]);

    const second = await qstash.publish({ url: destination, retries: 0 });
    expect(await delivered(second.messageId)).toBe("DELIVERED");
    expect(await stats(workspace.body.id)).toEqual(once);
  });
});
