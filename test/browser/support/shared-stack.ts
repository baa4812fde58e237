/**
 * Vitest global setup of the browser project: one local stack with the site, shared by its files
 * one after another (the project runs one file at a time). Each file used to start its own: about
 * eight seconds of stack and dev server, and the site's pages compiled again on their first
 * visit, for every file. The files keep out of each other's way as the API's test files do: each
 * signs up accounts and workspaces of its own, with addresses stamped per run.
 *
 * The stack's output (its workers', wrangler's and the dev server's lines) goes to a log file
 * rather than the terminal; the project's setup file (stack-log.ts) prints the lines written
 * during a test that failed, as a test's own stack used to show them.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import type { LocalStack } from "../../../local/stack.ts";
import { startTestStack } from "../../support/test-stack.ts";
import { HAS_CHROMIUM } from "./browser.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The shared stack's addresses, or null where there is no Chromium (the browser tests skip). */
    siteStack: { urls: LocalStack["urls"] } | null;
    /** The file its output is appended to. */
    siteStackLog: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logDir = mkdtempSync(join(tmpdir(), "xr2-browser-stack-log-"));
  const logFile = join(logDir, "stack.log");
  writeFileSync(logFile, "");
  project.provide("siteStackLog", logFile);
  if (!HAS_CHROMIUM) {
    project.provide("siteStack", null);
    return async () => rmSync(logDir, { recursive: true, force: true });
  }
  const { stack, stop } = await startTestStack({ withSite: true, log: (line) => appendFileSync(logFile, `${line}\n`) });
  project.provide("siteStack", { urls: stack.urls });
  return async () => {
    await stop();
    rmSync(logDir, { recursive: true, force: true });
  };
}
