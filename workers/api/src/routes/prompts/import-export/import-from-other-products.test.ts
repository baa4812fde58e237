/**
 * `xr2 import --from langfuse|promptlayer` end to end on the API: the converted sample exports
 * (cli/src/importers, cli/test/fixtures) are accepted by POST /api/prompts/import and become
 * prompts whose versions are drafts with the mapped templates, variables and model settings.
 */
import { describe, expect, it } from "vitest";
import { convertExport, type ImportSource } from "../../../../../../cli/src/importers/index.ts";
import langfuseExport from "../../../../../../cli/test/fixtures/langfuse-export.json";
import promptLayerExport from "../../../../../../cli/test/fixtures/promptlayer-export.json";
import { workspaceWith } from "../prompt-test-support.ts";

const SAMPLES: Array<[ImportSource, unknown, string[]]> = [
  ["langfuse", langfuseExport, ["movie-critic", "support-reply-draft"]],
  ["promptlayer", promptLayerExport, ["blog-outline", "ticket-triage"]],
];

describe("importing other products' exports", () => {
  it.each(SAMPLES)("imports the %s sample as drafts with its variables mapped", async (source, sample, slugs) => {
    const { owner } = await workspaceWith();
    const { document } = convertExport(source, JSON.stringify(sample));
    const imported = await owner.call("POST", "/api/prompts/import", document);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const results = imported.body!.results as Array<{ slug: string; outcome: string; prompt_id: string }>;
    expect(results.map((result) => [result.slug, result.outcome])).toEqual(slugs.map((slug) => [slug, "created"]));
    const sent = (document as { prompts: Array<{ versions: Array<Record<string, unknown>> }> }).prompts;
    for (const [index, result] of results.entries()) {
      const listed = await owner.call("GET", `/api/prompts/${result.prompt_id}/versions`);
      expect(listed.status).toBe(200);
      const summaries = listed.body!.versions as Array<{ id: string; status: string; version_number: number }>;
      expect(summaries.map((version) => version.status)).toEqual(sent[index]!.versions.map(() => "draft"));
      for (const expected of sent[index]!.versions) {
        const summary = summaries.find((version) => version.version_number === expected.version_number)!;
        const version = await owner.call("GET", `/api/prompts/${result.prompt_id}/versions/${summary.id}`);
        expect(version.body).toMatchObject({ kind: expected.kind, content: expected.content ?? null, messages: expected.messages ?? null, variables: expected.variables ?? [], model_config: expected.model_config ?? {} });
      }
    }
  });
});
