/**
 * The conformance fixture (sdk/conformance/conformance.json) run against the edge's own engine:
 * templates through renderPrompt (coerce, compile, render, exactly as get-prompt does), variants
 * through chooseVersion, hashes through hashUnit. The TypeScript and Python SDKs run the same
 * file, so an app rendering and assigning locally gets what the edge would have answered. One
 * test per case, named by the case, so a failure names the rule that broke.
 */
import { describe, expect, it } from "vitest";
import { ApiError, hashUnit, type ChatMessage, type PublishedPrompt, type ServedVersion, type TemplateError } from "@xr2/shared";
import fixture from "../../../../sdk/conformance/conformance.json";
import { chooseVersion } from "@xr2/shared";
import { renderPrompt } from "./render-prompt.ts";

type Value = string | number | boolean;
type Expected = { content: string } | { messages: ChatMessage[] } | { error: { code: TemplateError["code"]; variable?: string } };

interface TemplateCase {
  name: string;
  kind: "text" | "chat";
  content?: string;
  messages?: ChatMessage[];
  variables: ServedVersion["variables"];
  values: Record<string, Value>;
  expect: Expected;
}

interface AssignmentCase {
  name: string;
  experiment_id: string;
  unit_id: string;
  /** Weights are passed as written, even where they are invalid (a string, a fraction). */
  variants: Array<{ key: string; weight: unknown }>;
  expect: { variant: string } | { error: true };
}

interface Fixture {
  version: number;
  template: TemplateCase[];
  assignment: AssignmentCase[];
  hash: Array<{ experiment_id: string; unit_id: string; hash: number }>;
}

const cases = fixture as unknown as Fixture;

/** What the edge answers for a case, in the fixture's own terms. */
function outcome(templateCase: TemplateCase, index: number): Expected {
  const version: ServedVersion = {
    // Compiled templates are cached per version id: each case is its own version.
    version_id: `pv_conformance_${index}`,
    version: 1,
    kind: templateCase.kind,
    content: templateCase.kind === "text" ? (templateCase.content ?? null) : null,
    messages: templateCase.kind === "chat" ? (templateCase.messages ?? null) : null,
    variables: templateCase.variables,
    model_config: {},
  };
  try {
    const rendered = renderPrompt(version, templateCase.values);
    if (templateCase.kind === "chat") {
      expect(rendered.content).toBeNull();
      return { messages: rendered.messages ?? [] };
    }
    expect(rendered.messages).toBeNull();
    return { content: rendered.content ?? "" };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // A template that does not compile is the edge's INTERNAL error; bad values are VALIDATION_FAILED.
    expect(["INTERNAL", "VALIDATION_FAILED"]).toContain(error.code);
    const first = (error.details as TemplateError[])[0];
    if (!first) throw new Error(`${error.code} without details: ${error.message}`);
    return { error: first.variable === undefined ? { code: first.code } : { code: first.code, variable: first.variable } };
  }
}

function publishedWithExperiment(assignmentCase: AssignmentCase): PublishedPrompt {
  const served = (versionId: string): ServedVersion => ({ version_id: versionId, version: 1, kind: "text", content: versionId, messages: null, variables: [], model_config: {} });
  return {
    workspace_id: "ws_conformance",
    prompt_id: "pr_conformance",
    slug: "conformance",
    environment: "production",
    ...served("pv_published"),
    published_at: "2026-12-06T09:00:00.000Z",
    experiment: {
      id: assignmentCase.experiment_id,
      variants: assignmentCase.variants.map((variant, index) => ({ key: variant.key, weight: variant.weight as number, version: served(`pv_variant_${index}`) })),
    },
  };
}

describe("the conformance fixture", () => {
  it("keeps its size: at least 60 template and 20 assignment cases, errors among both, unique names", () => {
    expect(cases.version).toBe(1);
    expect(cases.template.length).toBeGreaterThanOrEqual(60);
    expect(cases.assignment.length).toBeGreaterThanOrEqual(20);
    expect(cases.hash.length).toBeGreaterThanOrEqual(10);
    const templateErrors = cases.template.filter((templateCase) => "error" in templateCase.expect);
    expect(templateErrors.length).toBeGreaterThanOrEqual(20);
    for (const code of ["syntax", "missing_variable", "type_mismatch", "limit_exceeded"]) {
      expect(templateErrors.some((templateCase) => "error" in templateCase.expect && templateCase.expect.error.code === code), code).toBe(true);
    }
    expect(cases.template.filter((templateCase) => templateCase.kind === "chat").length).toBeGreaterThanOrEqual(3);
    expect(cases.assignment.filter((assignmentCase) => "error" in assignmentCase.expect).length).toBeGreaterThanOrEqual(5);
    const names = [...cases.template, ...cases.assignment].map((named) => named.name);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });
});

describe("template cases through renderPrompt", () => {
  cases.template.forEach((templateCase, index) => {
    it(templateCase.name, () => {
      expect(outcome(templateCase, index)).toEqual(templateCase.expect);
    });
  });
});

describe("assignment cases through chooseVersion", () => {
  for (const assignmentCase of cases.assignment) {
    it(assignmentCase.name, () => {
      const prompt = publishedWithExperiment(assignmentCase);
      const expected = assignmentCase.expect;
      if ("error" in expected) {
        expect(() => chooseVersion(prompt, assignmentCase.unit_id)).toThrow();
        return;
      }
      const chosen = chooseVersion(prompt, assignmentCase.unit_id);
      const index = assignmentCase.variants.findIndex((variant) => variant.key === expected.variant);
      expect(index).toBeGreaterThanOrEqual(0);
      expect({ variant: chosen.variant, experiment: chosen.experimentId, version: chosen.version.version_id }).toEqual({
        variant: expected.variant,
        experiment: assignmentCase.experiment_id,
        version: `pv_variant_${index}`,
      });
    });
  }
});

describe("hash vectors through hashUnit", () => {
  for (const vector of cases.hash) {
    it(`${JSON.stringify(vector.experiment_id)} / ${JSON.stringify(vector.unit_id.length > 40 ? `${vector.unit_id.slice(0, 40)}…` : vector.unit_id)}`, () => {
      expect(hashUnit(vector.experiment_id, vector.unit_id)).toBe(vector.hash);
    });
  }
});
