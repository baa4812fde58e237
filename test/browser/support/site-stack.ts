/**
 * What a browser test file works with: the project's shared local stack with the site
 * (shared-stack.ts, started once for the run), a browser of its own, and a JSON client for
 * seeding through the API where the test is not about the UI.
 */
import type { Browser } from "playwright-core";
import { inject } from "vitest";
import { apiClient } from "../../support/http-client.ts";
import type { LocalStack } from "../../../local/stack.ts";
import { launchBrowser } from "./browser.ts";

export interface SiteHarness {
  stack: { urls: LocalStack["urls"] };
  site: string;
  browser: Browser;
  api: ReturnType<typeof apiClient>;
  /** Registers an account and creates a workspace it owns, through the API; throws unless both answer 201. */
  signUp(account: { email: string; password: string; name: string }, workspaceName: string): Promise<{ token: string; workspaceId: string; userId: string }>;
  /** Closes the browser; the stack is the run's (its global setup stops it). */
  stop(): Promise<void>;
}

export async function startSiteHarness(): Promise<SiteHarness> {
  const stack = inject("siteStack");
  if (!stack) throw new Error("the browser project's shared stack did not start: Chromium is missing (apt-get install -y chromium)");
  const browser = await launchBrowser();
  const api = apiClient(() => stack.urls.api);
  return {
    stack,
    site: stack.urls.site!,
    browser,
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
      await browser.close();
    },
  };
}
