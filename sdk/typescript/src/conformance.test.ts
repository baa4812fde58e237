/**
 * The shared conformance file (sdk/conformance/conformance.json) through the SDK's public path:
 * every case becomes a prompt document in a bootstrap bundle, and getPrompt renders or assigns it
 * as an app would, with the network switched off. A template case compares the rendered text or
 * messages, or the first error's code and variable; an assignment case the variant served (or a
 * refusal). Hash vectors are checked through assignment too: at a total weight of 1,000,000 the
 * vector's hash fixes the bucket, so weights placed on either side of it must flip the variant.
 * The test fails when the file is missing: the SDK must not pass without it.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { TemplateRenderError, XR2, XR2Error, type ChatMessage, type PromptDocument, type VariableDefinition } from "./index.ts";

interface TemplateCase {
  name: string;
  kind: "text" | "chat";
  content?: string;
  messages?: ChatMessage[];
  variables: VariableDefinition[];
  values: Record<string, string | number | boolean>;
  expect: { content?: string; messages?: ChatMessage[]; error?: { code: string; variable?: string } };
}
interface AssignmentCase {
  name: string;
  experiment_id: string;
  unit_id: string;
  variants: Array<{ key: string; weight: number }>;
  expect: { variant?: string; error?: true };
}
interface HashVector {
  experiment_id: string;
  unit_id: string;
  hash: number;
}

const file = join(dirname(fileURLToPath(import.meta.url)), "../../conformance/conformance.json");

it("has the conformance file", () => {
  expect(existsSync(file), `${file} is missing: the SDK's conformance cannot be checked`).toBe(true);
});

/** The SDK, like the edge's get-prompt, takes unit ids of 1 to 128 characters. */
const MAX_UNIT_ID = 128;

const fixture = existsSync(file)
  ? (JSON.parse(readFileSync(file, "utf8")) as { template: TemplateCase[]; assignment: AssignmentCase[]; hash: HashVector[] })
  : { template: [], assignment: [], hash: [] };

const version = (id: string) => ({ version_id: id, version: 1, kind: "text" as const, content: id, messages: null, variables: [], model_config: {} });

function document(slug: string, overrides: Partial<PromptDocument>): PromptDocument {
  return { slug, prompt_id: `pr_${slug}`, environment: "production", version_id: `pv_${slug}`, version: 1, kind: "text", content: "", messages: null, variables: [], model_config: {}, published_at: "2026-12-06T09:00:00.000Z", experiment: null, ...overrides };
}

const experimentDocument = (slug: string, experimentId: string, variants: Array<{ key: string; weight: number }>) =>
  document(slug, { experiment: { id: experimentId, variants: variants.map((variant) => ({ ...variant, version: version(`pv_${slug}_${String(variant.key)}`) })) } });

/** Buckets pinned by a hash vector at total weight 10^6: [slug, weights, variant expected]. */
const hashChecks = fixture.hash.flatMap((vector, index) => {
  // A unit id the SDK refuses (see the assignment cases) cannot reach the hash through getPrompt.
  if (vector.unit_id.length > MAX_UNIT_ID || vector.unit_id === "") return [];
  const bucket = Math.floor((vector.hash * 1_000_000) / 2 ** 32);
  const checks: Array<[string, [number, number], string]> = [];
  if (bucket + 1 < 1_000_000) checks.push([`h-${index}-below`, [bucket + 1, 1_000_000 - bucket - 1], "control"]);
  if (bucket > 0) checks.push([`h-${index}-above`, [bucket, 1_000_000 - bucket], "treatment"]);
  return checks.map(([slug, [control, treatment], expected]) => ({ slug, vector, expected, variants: [{ key: "control", weight: control }, { key: "treatment", weight: treatment }] }));
});

const bundle = {
  environment: "production" as const,
  prompts: [
    ...fixture.template.map((testCase, index) => document(`t-${index}`, { kind: testCase.kind, content: testCase.content ?? null, messages: testCase.messages ?? null, variables: testCase.variables })),
    ...fixture.assignment.map((testCase, index) => experimentDocument(`a-${index}`, testCase.experiment_id, testCase.variants)),
    ...hashChecks.map((check) => experimentDocument(check.slug, check.vector.experiment_id, check.variants)),
  ],
};
// No network at all: everything is served from the bootstrap.
const xr2 = new XR2({ apiKey: "xr2_conformance", baseUrl: "http://127.0.0.1:9", bootstrap: bundle, fetch: () => Promise.reject(new Error("offline")), maxSendAttempts: 1 });

describe("template cases", () => {
  it.each(fixture.template.map((testCase, index) => [testCase.name, index, testCase] as const))("%s", async (_, index, testCase) => {
    const outcome = await xr2.getPrompt(`t-${index}`, { variables: testCase.values }).catch((error: unknown) => error);
    if (testCase.expect.error) {
      expect(outcome).toBeInstanceOf(TemplateRenderError);
      const first = (outcome as TemplateRenderError).errors[0]!;
      expect({ code: first.code, variable: first.variable }).toEqual({ code: testCase.expect.error.code, variable: testCase.expect.error.variable });
    } else if (testCase.kind === "chat") {
      expect(outcome).toMatchObject({ origin: "bootstrap", content: null, messages: testCase.expect.messages });
    } else {
      expect(outcome).toMatchObject({ origin: "bootstrap", content: testCase.expect.content, messages: null });
    }
  });
});

describe("assignment cases", () => {
  it.each(fixture.assignment.map((testCase, index) => [testCase.name, index, testCase] as const))("%s", async (_, index, testCase) => {
    const served = xr2.getPrompt(`a-${index}`, { unitId: testCase.unit_id });
    if (testCase.unit_id.length > MAX_UNIT_ID) {
      // Beyond the API's unit id limit: refused with a clear error before assignment runs.
      await expect(served).rejects.toThrow(/1 to 128 characters/);
    } else if (testCase.expect.error) {
      await expect(served).rejects.toBeInstanceOf(Error);
    } else {
      expect(await served).toMatchObject({ variant: testCase.expect.variant, experiment_id: testCase.experiment_id, version_id: `pv_a-${index}_${testCase.expect.variant}` });
    }
  });

  it("refuses an empty unit id with the SDK's own error", async () => {
    await expect(xr2.getPrompt("a-0", { unitId: "" })).rejects.toBeInstanceOf(XR2Error);
  });
});

describe("hash vectors, through the bucket they fix", () => {
  it.each(hashChecks.map((check) => [check.slug, check] as const))("%s", async (_, check) => {
    expect(await xr2.getPrompt(check.slug, { unitId: check.vector.unit_id })).toMatchObject({ variant: check.expected });
  });
});
