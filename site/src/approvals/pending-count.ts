// How many approval requests wait for an Admin in the current workspace: the navigation's badge.
// Read again when the workspace changes, on every navigation and after a decision in the inbox;
// never for non-Admins (they cannot approve, so nothing waits for them).
import { createSignal } from "solid-js";
import { listApprovals } from "~/api/approvals";
import { currentWorkspace, isAdmin } from "~/session/session";

const [pendingCount, setPendingCount] = createSignal<number | null>(null);
export { pendingCount };

let latest = 0;
export async function refreshPendingCount(): Promise<void> {
  const ticket = ++latest;
  if (!currentWorkspace() || !isAdmin()) {
    setPendingCount(null);
    return;
  }
  try {
    // One page of the most the API gives: a badge past 200 says "200" and the inbox pages on.
    const pending = await listApprovals("pending", null, 200);
    if (ticket === latest) setPendingCount(pending.approvals.length);
  } catch {
    // The badge is a hint; the inbox shows the error when it is opened.
    if (ticket === latest) setPendingCount(null);
  }
}
