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
  /** Registers an account and creates a workspace it owns, through the API; throws unless both answer 201. */
  signUp(account: { email: string; password: string; name: string }, workspaceName: string): Promise<{ token: string; workspaceId: string; userId: string }>;
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
  const api = apiClient(() => stack.urls.api);
  return {
    stack,
    site: stack.urls.site!,
    browser: opened,
    api,
    async signUp(account, workspaceName) {
      const registered = await api("POST", "/api/auth/register", { body: account });
      if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${JSON.stringify(registered.body)}`);
      const token = registered.body.access_token as string;
      const workspace = await api("POST", "/api/workspaces", { token, body: { name: workspaceName } });
      if (workspace.status !== 201) throw new Error(`creating the workspace answered ${workspace.status}: ${JSON.stringify(workspace.body)}`);
      return { token, workspaceId: workspace.body.id as string, userId: registered.body.user.id as string };
    },
    async stop() {
      await opened.close();
      await stop();
    },
  };
}
