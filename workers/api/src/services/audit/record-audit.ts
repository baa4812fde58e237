/** Audit log rows (S3), written inside the transaction of the change they describe. */
import { auditLog } from "@xr2/db/schema";
import { newId } from "@xr2/shared";
import type { ServiceContext, Transaction } from "../../context.ts";

export interface AuditEntry {
  workspaceId: string | null;
  actorUserId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export async function recordAudit(tx: Transaction, ctx: ServiceContext, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    id: newId("audit"),
    workspaceId: entry.workspaceId,
    actorUserId: entry.actorUserId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    requestId: ctx.requestId,
  });
}
