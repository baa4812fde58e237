/**
 * The RPC entrypoint the edge worker reaches through its service binding (never exposed over
 * public HTTP). Each call validates the environment, builds a service context and disposes it.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { newId, parseEnv, type EdgeBackend as EdgeBackendContract, type Environment } from "@xr2/shared";
import { sql } from "drizzle-orm";
import { createServiceContext, type ServiceContext } from "../context.ts";
import { apiEnvSchema } from "../env.ts";
import { resolveApiKey } from "../services/api-keys/resolve-api-key.ts";
import { resolvePublishedPrompt } from "../services/prompts/resolve-published-prompt.ts";
import { readPublishedBundle } from "../services/prompts/project-published-prompt.ts";
import { resolveServedVersions } from "../services/prompts/resolve-served-versions.ts";
import { resolveEventDefinitions } from "../services/event-definitions/resolve-event-definitions.ts";


export class EdgeBackend extends WorkerEntrypoint<Record<string, unknown>> implements EdgeBackendContract {
  resolveApiKey(keyHash: string) {
    return this.withContext((ctx) => resolveApiKey({ ctx, input: { keyHash } }));
  }

  resolvePrompt(input: { workspaceId: string; environment: Environment; slug: string }) {
    return this.withContext((ctx) => resolvePublishedPrompt({ ctx, input }));
  }

  resolveBundle(input: { workspaceId: string; environment: Environment; slugs?: string[] | undefined }) {
    return this.withContext((ctx) => readPublishedBundle({ ctx, input }));
  }

  resolveServedVersions(input: { workspaceId: string; versionIds: string[]; experimentIds: string[] }) {
    return this.withContext((ctx) => resolveServedVersions({ ctx, input }));
  }

  resolveEventDefinitions(workspaceId: string) {
    return this.withContext((ctx) => resolveEventDefinitions({ ctx, input: { workspaceId } }));
  }

  pingDatabase() {
    return this.withContext(async (ctx) => {
      await ctx.http().execute(sql`select 1`);
    });
  }

  private async withContext<T>(run: (ctx: ServiceContext) => Promise<T>): Promise<T> {
    const ctx = createServiceContext(parseEnv(apiEnvSchema, this.env), newId("request"));
    try {
      return await run(ctx);
    } finally {
      this.ctx.waitUntil(ctx.dispose());
    }
  }
}
