/**
 * Vitest global setup for the edge project: bundles the API worker as `wrangler deploy` would,
 * so the edge's service binding reaches the real API worker (as an auxiliary worker in the
 * same workerd) instead of a stand-in.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { bundleWorker } from "../../scripts/build.ts";

declare module "vitest" {
  export interface ProvidedContext {
    apiWorkerBundle: string;
  }
}

export default function setup(project: TestProject): () => void {
  const outdir = mkdtempSync(join(tmpdir(), "xr2-api-bundle-"));
  project.provide("apiWorkerBundle", bundleWorker("api", outdir).file);
  return () => rmSync(outdir, { recursive: true, force: true });
}
