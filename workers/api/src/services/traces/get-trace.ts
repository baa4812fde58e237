/**
 * One trace of the workspace: the get-prompt answer (its exposure) with the values it was rendered
 * with, the re-rendered text, version, variant, environment and latency, and every event sent
 * with its trace id, oldest first. A trace id with events but no exposure is still a trace (its
 * events are unattributed: the exposure never arrived, or the id was never served); a trace id
 * with neither, or only in another workspace, is 404.
 */
import { sql } from "drizzle-orm";
import { ApiError, type Environment } from "@xr2/shared";
import type { ChatMessage, EventFieldValue, PromptVariable, ResolvedBody } from "@xr2/db/schema";
import type { ServiceContext } from "../../context.ts";
import { includedSlugs } from "../prompts/resolve-includes.ts";
import { renderExposure, type RenderedAnswer } from "./render-exposure.ts";

export const MAX_TRACE_EVENTS = 500;

type ExposureRow = {
  trace_id: string;
  served_at: string;
  received_at: string;
  prompt_id: string;
  prompt_slug: string | null;
  prompt_name: string | null;
  version_id: string;
  version_number: number | null;
  version_kind: "text" | "chat" | null;
  version_content: string | null;
  version_messages: ChatMessage[] | null;
  version_variables: PromptVariable[] | null;
  /** The text with snippets inlined by the latest deployment of the version before the answer. */
  deployed_resolved: ResolvedBody | null;
  environment: Environment;
  variant: string | null;
  experiment_id: string | null;
  experiment_name: string | null;
  source: string | null;
  unit_id: string | null;
  api_key_id: string | null;
  api_key_name: string | null;
  latency_ms: number;
  status: "success" | "error";
  error_code: string | null;
  origin: "network" | "cache" | "stale" | "bootstrap" | null;
  variables: Record<string, string | number | boolean> | null;
};

type EventRow = {
  event_id: string;
  event_name: string;
  category: string | null;
  fields: Record<string, EventFieldValue>;
  occurred_at: string;
  received_at: string;
};

const asText = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);

export async function getTrace({ ctx, input }: { ctx: ServiceContext; input: { workspaceId: string; traceId: string } }) {
  const db = ctx.http();
  const [exposures, events] = await Promise.all([
    db.execute<ExposureRow>(sql`
      select x.trace_id, ${asText("x.served_at")} as served_at, ${asText("x.received_at")} as received_at, x.prompt_id, p.slug as prompt_slug, p.name as prompt_name,
             x.version_id, v.version_number, v.kind::text as version_kind, v.content as version_content, v.messages as version_messages, v.variables as version_variables, dep.resolved as deployed_resolved,
             x.environment::text as environment, x.variant, x.experiment_id, ex.name as experiment_name, x.source, x.unit_id, x.api_key_id, k.name as api_key_name,
             x.latency_ms, x.status::text as status, x.error_code, x.origin::text as origin, x.variables
      from exposures x
      left join prompts p on p.workspace_id = x.workspace_id and p.id = x.prompt_id
      left join prompt_versions v on v.workspace_id = x.workspace_id and v.id = x.version_id
      left join experiments ex on ex.workspace_id = x.workspace_id and ex.id = x.experiment_id
      left join api_keys k on k.workspace_id = x.workspace_id and k.id = x.api_key_id
      left join lateral (
        select d.resolved from deployments d
        where d.workspace_id = x.workspace_id and d.prompt_id = x.prompt_id and d.environment = x.environment and d.to_version_id = x.version_id and d.created_at <= x.served_at
        order by d.created_at desc limit 1
      ) dep on true
      where x.workspace_id = ${input.workspaceId} and x.trace_id = ${input.traceId}`),
    db.execute<EventRow>(sql`
      select e.event_id, e.event_name, e.category, e.fields, ${asText("e.occurred_at")} as occurred_at, ${asText("e.received_at")} as received_at
      from events e
      where e.workspace_id = ${input.workspaceId} and e.trace_id = ${input.traceId}
      order by e.occurred_at, e.event_id
      limit ${MAX_TRACE_EVENTS + 1}`),
  ]);
  const exposure = exposures.rows[0];
  if (!exposure && events.rows.length === 0) throw new ApiError("NOT_FOUND", "No exposure or event with this trace id in this workspace");
  return {
    trace_id: input.traceId,
    exposure: exposure ? describeExposure(exposure) : null,
    events: events.rows.slice(0, MAX_TRACE_EVENTS),
    events_truncated: events.rows.length > MAX_TRACE_EVENTS,
  };
}

function describeExposure(row: ExposureRow) {
  const version = row.version_kind === null ? null : { kind: row.version_kind, content: row.version_content, messages: row.version_messages, variables: row.version_variables ?? [] };
  // A version with snippets was served with the text its deployment inlined (a republish changes
  // it without a new version); without that deployment the text is unknown, and none is claimed.
  const withSnippets = version !== null && includedSlugs(version).length > 0;
  const rendered: RenderedAnswer =
    row.status === "success" && row.variables !== null && withSnippets && !row.deployed_resolved
      ? { status: "not_renderable", content: null, messages: null }
      : renderExposure({ status: row.status, variables: row.variables }, withSnippets && row.deployed_resolved ? { kind: version!.kind, ...row.deployed_resolved } : version);
  return {
    served_at: row.served_at,
    received_at: row.received_at,
    prompt_id: row.prompt_id,
    prompt_slug: row.prompt_slug,
    prompt_name: row.prompt_name,
    version_id: row.version_id,
    version_number: row.version_number === null ? null : Number(row.version_number),
    environment: row.environment,
    variant: row.variant,
    experiment_id: row.experiment_id,
    experiment_name: row.experiment_name,
    source: row.source,
    unit_id: row.unit_id,
    api_key_id: row.api_key_id,
    api_key_name: row.api_key_name,
    latency_ms: Number(row.latency_ms),
    status: row.status,
    error_code: row.error_code,
    origin: row.origin,
    values: row.variables,
    rendered,
  };
}
