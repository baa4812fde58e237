// Cron schedules. Each firing publishes the schedule's message like POST /v2/publish, tagged with
// the schedule id. Cron runs in UTC unless the expression starts with `CRON_TZ=<zone> `, as in
// real QStash; a sixth (seconds) field is also accepted so tests need not wait a minute.
import { Cron } from "croner";
import { newId, type Deliveries, type MessageTemplate } from "./delivery.ts";
import { badRequest } from "../http.ts";

export interface Schedule {
  scheduleId: string;
  cron: string;
  createdAt: number;
  template: MessageTemplate;
  queueName?: string;
  paused: boolean;
  lastScheduleTime?: number;
  job: Cron;
}

export class Schedules {
  private readonly schedules = new Map<string, Schedule>();

  constructor(private readonly deliveries: Deliveries) {}

  /** Creates a schedule, or replaces the one with the same id (QStash's idempotent upsert). */
  upsert(input: { cron: string; template: MessageTemplate; scheduleId?: string; queueName?: string }): string {
    const scheduleId = input.scheduleId ?? newId("scd");
    const job = startJob(input.cron, () => this.fire(scheduleId));
    const previous = this.schedules.get(scheduleId);
    previous?.job.stop();
    this.schedules.set(scheduleId, {
      scheduleId,
      cron: input.cron,
      createdAt: previous?.createdAt ?? Date.now(),
      // Every firing is a fresh message: no fixed not-before, no deduplication across firings.
      template: { ...input.template, notBeforeMs: undefined, deduplicationId: undefined },
      queueName: input.queueName,
      paused: false,
      job,
    });
    return scheduleId;
  }

  list(): Schedule[] {
    return [...this.schedules.values()];
  }

  get(scheduleId: string): Schedule | undefined {
    return this.schedules.get(scheduleId);
  }

  delete(scheduleId: string): boolean {
    this.schedules.get(scheduleId)?.job.stop();
    return this.schedules.delete(scheduleId);
  }

  setPaused(scheduleId: string, paused: boolean): boolean {
    const schedule = this.schedules.get(scheduleId);
    if (!schedule) return false;
    schedule.paused = paused;
    if (paused) schedule.job.pause();
    else schedule.job.resume();
    return true;
  }

  close(): void {
    for (const schedule of this.schedules.values()) schedule.job.stop();
  }

  private fire(scheduleId: string): void {
    const schedule = this.schedules.get(scheduleId);
    if (!schedule) return;
    schedule.lastScheduleTime = Date.now();
    this.deliveries.publish(schedule.template, { scheduleId, queueName: schedule.queueName });
  }
}

function startJob(expression: string, fire: () => void): Cron {
  const zoned = /^CRON_TZ=(\S+)\s+(.+)$/.exec(expression.trim());
  try {
    return new Cron(zoned?.[2] ?? expression, { timezone: zoned?.[1] ?? "UTC", catch: true }, fire);
  } catch (error) {
    throw badRequest(`invalid Upstash-Cron "${expression}": ${error instanceof Error ? error.message : String(error)}`);
  }
}
