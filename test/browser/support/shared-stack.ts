/**
 * Vitest global setup of the browser project: one local stack with the site, shared by its files
 * one after another (the project runs one file at a time). Each file used to start its own: about
 * eight seconds of stack and dev server, and the site's pages compiled again on their first
 * visit, for every file. The files keep out of each other's way as the API's test files do: each
 * signs up accounts and workspaces of its own, with addresses stamped per run.
 *
 * The stack's output (its stand-ins' lines, wrangler's warnings and errors, the dev server's
 * output) goes to a log file rather than the terminal; the project's setup file (stack-log.ts)
 * prints the lines written during a test that failed, as a test's own stack used to show them.
 *
 * vitest runs every selected project's global setup before the first test file, so this stack
 * starts with the run and waits, idle, through the groups before the browser's (node and e2e,
 * the worker projects); it stops when the run ends. A start that fails fails the run, with what
 * the stack printed.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
  let started: Awaited<ReturnType<typeof startTestStack>>;
  try {
    started = await startTestStack({ withSite: true, log: (line) => appendFileSync(logFile, `${line}\n`) });
  } catch (error) {
    // Nothing prints the log file yet: what the stack said before it failed goes with the error.
    const said = readFileSync(logFile, "utf8").split("\n").slice(-200).join("\n");
    rmSync(logDir, { recursive: true, force: true });
    throw new Error(`the browser tests' shared stack did not start: ${error instanceof Error ? error.message : String(error)}\n${said}`, { cause: error });
  }
  project.provide("siteStack", { urls: started.stack.urls });
  return async () => {
    try {
      await started.stop();
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  };
}
