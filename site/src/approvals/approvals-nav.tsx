// The navigation's "Approvals" entry; for Admins with a count of the requests waiting for them.
import { A, useLocation } from "@solidjs/router";
import { createEffect, on, Show } from "solid-js";
import { currentWorkspace, isAdmin } from "~/session/session";
import { pendingCount, refreshPendingCount } from "./pending-count";
import "~/styles/approvals.css";

export function ApprovalsNavItem() {
  const location = useLocation();
  createEffect(on([() => currentWorkspace()?.id, isAdmin, () => location.pathname], () => void refreshPendingCount()));
  const count = () => (isAdmin() ? (pendingCount() ?? 0) : 0);
  return (
    <li>
      <A href="/approvals">
        Approvals
        <Show when={count() > 0}>
          {" "}
          <span class="badge nav-count" data-tone="warn">
            {count() > 99 ? "99+" : count()}
            <span class="visually-hidden"> pending</span>
          </span>
        </Show>
      </A>
    </li>
  );
}
