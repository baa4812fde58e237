// The frame of every /admin page: platform admins (GET /api/auth/me's is_platform_admin) see the
// page under the console's tabs; anyone else gets the site's not-found page, so the console's
// existence is not advertised. The API refuses them with 403 regardless.
import { A } from "@solidjs/router";
import { Show, type JSX } from "solid-js";
import NotFoundPage from "~/routes/[...404]";
import { currentUser } from "~/session/session";
import "~/styles/admin.css";

export const isPlatformAdmin = (): boolean => currentUser()?.is_platform_admin === true;

export function AdminGate(props: { children: JSX.Element }) {
  return (
    <Show when={isPlatformAdmin()} fallback={<NotFoundPage />}>
      <nav class="tabs" aria-label="Platform admin sections">
        <A href="/admin" end>
          Users
        </A>
        <A href="/admin/workspaces">Workspaces</A>
        <A href="/admin/limits">Global limits</A>
        <A href="/admin/usage">Usage</A>
        <A href="/admin/dead-letters">Dead letters</A>
        <A href="/admin/jobs">Jobs and KV</A>
        <A href="/admin/audit">Audit log</A>
      </nav>
      {props.children}
    </Show>
  );
}
