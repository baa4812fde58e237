/** Shared set-up of the analytics route tests: rows written straight into the tables, raw downloads, a CSV reader. */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { events, exposures, type NewBusinessEvent, type NewExposure } from "@xr2/db/schema";
import { newId } from "@xr2/shared";
import { createApiApp } from "../../app.ts";
import { addPrompt } from "../../testing/fixtures.ts";
import { withContext, type Actor } from "../prompts/prompt-test-support.ts";

/** An instant `hours` after `base`. */
export const at = (base: string, hours: number) => new Date(Date.parse(base) + hours * 3_600_000);

/** A prompt with `count` versions in the actor's workspace, inserted directly. */
export async function promptWithVersions(as: Actor, count: number) {
  return withContext((ctx) => addPrompt(ctx, as.workspaceId, Array.from({ length: count }, (_, index) => `Version ${index + 1}`)));
}

type ExposureFields = Partial<NewExposure> & Pick<NewExposure, "workspaceId" | "promptId" | "versionId" | "servedAt">;

export async function insertExposures(rows: ExposureFields[]): Promise<NewExposure[]> {
  const values = rows.map((row) => ({ traceId: newId("trace"), environment: "production" as const, latencyMs: 12, ...row }));
  await withContext((ctx) => ctx.db().insert(exposures).values(values));
  return values;
}

type EventFields = Partial<NewBusinessEvent> & Pick<NewBusinessEvent, "workspaceId" | "traceId" | "eventName" | "occurredAt">;

export async function insertEvents(rows: EventFields[]): Promise<NewBusinessEvent[]> {
  const values = rows.map((row) => ({ eventId: newId("event"), ...row }));
  await withContext(async (ctx) => {
    for (let start = 0; start < values.length; start += 500) await ctx.db().insert(events).values(values.slice(start, start + 500));
  });
  return values;
}

/** A call whose answer may not be JSON (exports): status, headers and the body as text. */
export async function download(as: Actor, path: string, headers: Record<string, string> = {}) {
  const ctx = createExecutionContext();
  const response = await createApiApp().fetch(
    new Request(`http://api.test${path}`, { headers: { authorization: `Bearer ${as.session.access_token}`, "x-workspace-id": as.workspaceId, ...headers } }),
    env,
    ctx,
  );
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  return { status: response.status, headers: response.headers, text };
}

/** Reads RFC 4180 CSV (quoted cells, doubled quotes, CRLF) into rows of cells; strict about what it does not expect. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') {
      if (cell !== "") throw new Error(`a quote inside an unquoted cell at ${index}`);
      quoted = true;
    } else if (char === ",") {
      row.push(cell);
      cell = "";
    } else if (char === "\r" && text[index + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      index++;
    } else if (char === "\n" || char === "\r") throw new Error(`a bare line break outside quotes at ${index}`);
    else cell += char;
  }
  if (quoted || cell !== "" || row.length > 0) throw new Error("the CSV does not end with CRLF");
  return rows;
}

/** CSV rows as objects keyed by the header row. */
export function csvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  return rows.map((row) => Object.fromEntries(header!.map((name, index) => [name, row[index]!])));
}
