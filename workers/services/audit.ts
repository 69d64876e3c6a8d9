import { auditStatement, listAuditPage, type NewAuditEntry } from "@tessera/db";
import { newId } from "@tessera/domain";
import { type AdminCaller, actorOf, type ServiceContext } from "../context";

/**
 * What staff did, for the audit log: every write by staff or an admin key, and every reveal of a
 * full code. Details never hold a code, secret, token or key.
 */
export function auditEntry(
  caller: AdminCaller | string,
  action: string,
  target: string | null,
  detail: Record<string, unknown> | null = null,
  at: number = Date.now(),
): NewAuditEntry {
  return {
    id: newId("audit", at),
    actor: typeof caller === "string" ? caller : actorOf(caller),
    action,
    target,
    detail,
    createdAt: at,
  };
}

/** The entry as a statement, to run in the same batch as the change it records. */
export function audited(
  ctx: ServiceContext,
  caller: AdminCaller,
  action: string,
  target: string | null,
  detail: Record<string, unknown> | null = null,
  at: number = Date.now(),
) {
  return auditStatement(ctx.db, caller.merchantId, auditEntry(caller, action, target, detail, at));
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function listAudit(
  ctx: ServiceContext,
  merchantId: string,
  options: { limit: number; cursor?: string | undefined },
) {
  const page = await listAuditPage(ctx.db, merchantId, options);
  return {
    data: page.data.map(({ entry, actorEmail }) => ({
      id: entry.id,
      actor: entry.actor,
      actorEmail,
      action: entry.action,
      target: entry.target,
      detail: entry.detail ?? null,
      createdAt: iso(entry.createdAt),
    })),
    nextCursor: page.nextCursor,
  };
}
