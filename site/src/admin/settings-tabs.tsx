// The settings section's tabs: General (workspace name, approvals, limits) and LLM providers.
import { A } from "@solidjs/router";

export function SettingsTabs() {
  return (
    <nav class="tabs" aria-label="Settings sections">
      <A href="/settings" end>
        General
      </A>
      <A href="/settings/providers">LLM providers</A>
    </nav>
  );
}
