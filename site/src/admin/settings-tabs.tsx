// The settings section's tabs: General (workspace name, approvals, limits), LLM providers, access tokens and webhooks.
import { A } from "@solidjs/router";

export function SettingsTabs() {
  return (
    <nav class="tabs" aria-label="Settings sections">
      <A href="/settings" end>
        General
      </A>
      <A href="/settings/providers">LLM providers</A>
      <A href="/settings/access-tokens">Access tokens</A>
      <A href="/settings/webhooks">Webhooks</A>
    </nav>
  );
}
