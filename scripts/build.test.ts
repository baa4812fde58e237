/**
 * The edge worker is the hot path and must stay lean: no database driver, no ORM, no LLM SDK
 * may reach its bundle (it has no credentials for them anyway).
 * Wrangler's debug log of the build stays with the bundle.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleWorker } from "./build.ts";

const FORBIDDEN = ["@neondatabase/", "drizzle-orm", "/pg/", "openai", "@anthropic-ai/", "@google/", "js-tiktoken", "@upstash/qstash", "jose"];

describe("edge worker bundle", () => {
  const outdir = mkdtempSync(join(tmpdir(), "xr2-edge-bundle-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("contains no database driver, ORM or LLM SDK", () => {
    const bundle = bundleWorker("edge", outdir);
    const meta = JSON.parse(readFileSync(bundle.metafile, "utf8")) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    expect(inputs.some((input) => input.includes("workers/edge/src/index.ts"))).toBe(true);
    expect(inputs.filter((input) => FORBIDDEN.some((name) => input.includes(name)))).toEqual([]);
    // Wrangler's debug log of the build is kept beside the bundle.
    expect(readFileSync(bundle.log, "utf8")).toContain("deploy");
  });
});
