import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "../client";
import { auditLog, staff } from "../schema";
import { type Page, type PageOptions, toPage } from "./page";

export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditEntry = Omit<AuditRow, "merchantId">;

export interface AuditListing {
  entry: AuditRow;
  /** The email of the staff member who acted; null for API keys. */
  actorEmail: string | null;
}

/** One audit entry as a statement, for runAtomic beside the change it records. */
export function auditStatement(db: Db, merchantId: string, entry: NewAuditEntry) {
  return db.insert(auditLog).values({ ...entry, merchantId });
}

export async function recordAudit(db: Db, merchantId: string, entry: NewAuditEntry): Promise<void> {
  await auditStatement(db, merchantId, entry);
}

/** The merchant's audit log, newest first, with the email of each staff actor. */
export async function listAuditPage(db: Db, merchantId: string, options: PageOptions): Promise<Page<AuditListing>> {
  const filters = [eq(auditLog.merchantId, merchantId)];
  if (options.cursor) filters.push(lt(auditLog.id, options.cursor));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...filters))
    .orderBy(desc(auditLog.id))
    .limit(options.limit + 1)
    .all();
  // A merchant has a handful of staff: reading them all binds one parameter, however many acted.
  const needsEmails = rows.some((row) => row.actor.startsWith("staff:"));
  const members = needsEmails
    ? await db.select({ id: staff.id, email: staff.email }).from(staff).where(eq(staff.merchantId, merchantId)).all()
    : [];
  const emails = new Map(members.map((member) => [`staff:${member.id}`, member.email]));
  return toPage(
    rows,
    options.limit,
    (row) => row.id,
    (entry) => ({ entry, actorEmail: emails.get(entry.actor) ?? null }),
  );
}
