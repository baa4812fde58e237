// The approval requests for production (GET /api/approvals, POST …/approve|reject) as the
// Admins' inbox reads them: each with its prompt, version number, requester and what the
// environment serves now (workers/api/src/routes/prompts/lifecycle/approvals.ts), typed by the contract.
import { type Answer, call } from "./contract";

export type ApprovalsPage = Answer<"get", "/api/approvals">;
export type ApprovalInboxItem = ApprovalsPage["approvals"][number];
export type ApprovalStatus = ApprovalInboxItem["status"];

/** One page of requests with `status`, newest first; `cursor` is the previous page's next_cursor. */
export async function listApprovals(status: ApprovalStatus = "pending", cursor: string | null = null, limit = 50): Promise<ApprovalsPage> {
  return call("get", "/api/approvals", { query: { status, limit, ...(cursor ? { cursor } : {}) } });
}

export async function decideApproval(id: string, approve: boolean, note?: string): Promise<void> {
  const options = { params: { approvalId: id }, body: note ? { note } : {} };
  await (approve ? call("post", "/api/approvals/{approvalId}/approve", options) : call("post", "/api/approvals/{approvalId}/reject", options));
}
