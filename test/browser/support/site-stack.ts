/**
 * The whole local stack with the site, for browser tests: one per test file (started in
 * beforeAll), with a JSON client for seeding through the API where the test is not about the UI.
 */
import type { Browser } from "playwright-core";
import { apiClient } from "../../support/http-client.ts";
import { startTestStack } from "../../support/test-stack.ts";
import type { LocalStack } from "../../../local/stack.ts";
import { launchBrowser } from "./browser.ts";

export interface SiteHarness {
  stack: LocalStack;
  site: string;
  browser: Browser;
  api: ReturnType<typeof apiClient>;
  stop(): Promise<void>;
}

export async function startSiteHarness(): Promise<SiteHarness> {
  const { stack, stop } = await startTestStack({ withSite: true });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await stop();
    throw error;
  }
  const opened = browser;
  return {
    stack,
    site: stack.urls.site!,
    browser: opened,
    api: apiClient(() => stack.urls.api),
    async stop() {
      await opened.close();
      await stop();
    },
  };
}
