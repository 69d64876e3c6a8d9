import { and, asc, eq, gt, isNull, lt, ne, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { auditLog, sessions, staff } from "../schema";
import type { NewAuditEntry } from "./audit";

export type StaffRow = typeof staff.$inferSelect;
export type StaffRole = StaffRow["role"];
export type NewStaffMember = Omit<typeof staff.$inferInsert, "merchantId">;
export type SessionRow = typeof sessions.$inferSelect;

/** What an invited or removed member's password hash holds: no PBKDF2 hash ever equals it. */
export const NO_PASSWORD = "!";

export async function findStaffByEmail(db: Db, email: string): Promise<StaffRow | null> {
  return (await db.select().from(staff).where(eq(staff.email, email)).get()) ?? null;
}

/** A member of this merchant (in any state); another merchant's id reads as missing. */
export async function findStaffMember(db: Db, merchantId: string, staffId: string): Promise<StaffRow | null> {
  return (
    (await db
      .select()
      .from(staff)
      .where(and(eq(staff.id, staffId), eq(staff.merchantId, merchantId)))
      .get()) ?? null
  );
}

/** Active and invited members, oldest first; removed members stay only for the audit log. */
export function listStaffMembers(db: Db, merchantId: string): Promise<StaffRow[]> {
  return db
    .select()
    .from(staff)
    .where(and(eq(staff.merchantId, merchantId), ne(staff.status, "removed")))
    .orderBy(asc(staff.id))
    .all();
}

export function insertStaffStatement(db: Db, merchantId: string, member: NewStaffMember) {
  return db.insert(staff).values({ ...member, merchantId });
}

/**
 * Invites a member again under an existing row (a pending invitation renewed, or a removed member
 * back): only a row of this merchant that is not active changes.
 */
export function reinviteStatement(
  db: Db,
  merchantId: string,
  staffId: string,
  invite: { name: string; role: StaffRole; invitedBy: string; inviteTokenHash: string; inviteExpiresAt: number },
) {
  return db
    .update(staff)
    .set({
      ...invite,
      status: "invited",
      passwordHash: NO_PASSWORD,
      totpSecret: null,
      totpPendingSecret: null,
      totpLastStep: null,
    })
    .where(and(eq(staff.id, staffId), eq(staff.merchantId, merchantId), ne(staff.status, "active")))
    .returning({ id: staff.id });
}

/** Turns a live invitation into an active login, once: the token stops working as it is used. */
export function acceptInvitationStatement(
  db: Db,
  input: { staffId: string; tokenHash: string; passwordHash: string; now: number },
) {
  return db
    .update(staff)
    .set({ status: "active", passwordHash: input.passwordHash, inviteTokenHash: null, inviteExpiresAt: null })
    .where(
      and(
        eq(staff.id, input.staffId),
        eq(staff.inviteTokenHash, input.tokenHash),
        eq(staff.status, "invited"),
        gt(staff.inviteExpiresAt, input.now),
      ),
    );
}

/** True while the merchant keeps another active owner besides `staffId`, or `staffId` is not one. */
export function keepsAnOwner(merchantId: string, staffId: string): SQL {
  return sql`(
    (SELECT count(*) FROM ${staff} WHERE ${staff.id} = ${staffId} AND ${staff.role} = 'owner' AND ${staff.status} = 'active') = 0
    OR (SELECT count(*) FROM ${staff} WHERE ${staff.merchantId} = ${merchantId} AND ${staff.role} = 'owner' AND ${staff.status} = 'active') > 1
  )`;
}

/**
 * An audit entry that is written only while `guard` holds, as the first statement of a batch.
 * When the guard fails the entry's actor is NULL, which the table refuses, so the whole batch
 * (the change the entry records) rolls back: a check and its change in one transaction.
 */
export function guardedAuditStatement(db: Db, merchantId: string, entry: NewAuditEntry, guard: SQL) {
  return db.insert(auditLog).values({
    ...entry,
    merchantId,
    actor: sql`CASE WHEN ${guard} THEN ${entry.actor} ELSE NULL END`,
  });
}

/** True when a batch failed because a guarded audit entry's guard did not hold. */
export function isGuardRefusal(error: unknown): boolean {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; depth++) {
    if (/NOT NULL constraint failed: audit_log\.actor/.test(String((cause as Error).message ?? cause))) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/** A live invitation: the token's member is still invited and the invitation has not lapsed. */
export function isLiveInvitation(staffId: string, tokenHash: string, now: number): SQL {
  return sql`EXISTS (SELECT 1 FROM ${staff} WHERE ${staff.id} = ${staffId} AND ${staff.inviteTokenHash} = ${tokenHash} AND ${staff.status} = 'invited' AND ${staff.inviteExpiresAt} > ${now})`;
}

export async function findStaffByInviteTokenHash(db: Db, tokenHash: string): Promise<StaffRow | null> {
  return (await db.select().from(staff).where(eq(staff.inviteTokenHash, tokenHash)).get()) ?? null;
}

/** A member of this merchant who is invited or removed, so may be invited (again). */
export function isInactiveMember(merchantId: string, staffId: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${staff} WHERE ${staff.id} = ${staffId} AND ${staff.merchantId} = ${merchantId} AND ${staff.status} != 'active')`;
}

/** A member of this merchant who is not removed. */
export function isCurrentMember(merchantId: string, staffId: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${staff} WHERE ${staff.id} = ${staffId} AND ${staff.merchantId} = ${merchantId} AND ${staff.status} != 'removed')`;
}

export function changeRoleStatement(db: Db, merchantId: string, staffId: string, role: StaffRole) {
  return db
    .update(staff)
    .set({ role })
    .where(
      and(
        eq(staff.id, staffId),
        eq(staff.merchantId, merchantId),
        ne(staff.status, "removed"),
        role === "owner" ? undefined : keepsAnOwner(merchantId, staffId),
      ),
    )
    .returning({ id: staff.id });
}

/** Removes a member: the row stays (for the audit log) but can never sign in again. */
export function removeStaffStatements(db: Db, merchantId: string, staffId: string) {
  return [
    db
      .update(staff)
      .set({
        status: "removed",
        passwordHash: NO_PASSWORD,
        inviteTokenHash: null,
        inviteExpiresAt: null,
        totpSecret: null,
        totpPendingSecret: null,
        totpLastStep: null,
      })
      .where(
        and(
          eq(staff.id, staffId),
          eq(staff.merchantId, merchantId),
          ne(staff.status, "removed"),
          keepsAnOwner(merchantId, staffId),
        ),
      ),
    db.delete(sessions).where(and(eq(sessions.staffId, staffId), eq(sessions.merchantId, merchantId))),
  ] as const;
}

export function setPendingTotpStatement(db: Db, staffId: string, sealedSecret: string) {
  return db.update(staff).set({ totpPendingSecret: sealedSecret }).where(eq(staff.id, staffId));
}

/** Moves the confirmed pending secret into place, only if it is still the one that was checked. */
export function enableTotpStatement(db: Db, staffId: string, sealedSecret: string, step: number) {
  return db
    .update(staff)
    .set({ totpSecret: sealedSecret, totpPendingSecret: null, totpLastStep: step })
    .where(and(eq(staff.id, staffId), eq(staff.totpPendingSecret, sealedSecret), isNull(staff.totpSecret)));
}

export function disableTotpStatement(db: Db, staffId: string, sealedSecret: string) {
  return db
    .update(staff)
    .set({ totpSecret: null, totpPendingSecret: null, totpLastStep: null })
    .where(and(eq(staff.id, staffId), eq(staff.totpSecret, sealedSecret)));
}

/**
 * Claims a TOTP time step for a member: true at most once per step, and never for a step at or
 * before one already used, so an overheard code cannot be replayed.
 */
export async function claimTotpStep(db: Db, staffId: string, step: number): Promise<boolean> {
  const claimed = await db
    .update(staff)
    .set({ totpLastStep: step })
    .where(and(eq(staff.id, staffId), or(isNull(staff.totpLastStep), lt(staff.totpLastStep, step))))
    .returning({ id: staff.id });
  return claimed.length > 0;
}

export function insertSessionStatement(db: Db, session: SessionRow) {
  return db.insert(sessions).values(session);
}

export interface SessionOwner {
  sessionId: string;
  staffId: string;
  merchantId: string;
  csrfToken: string;
  role: StaffRole;
  expiresAt: number;
}

/** The live session a token hash belongs to, of a member who is still active. */
export async function findLiveSession(db: Db, tokenHash: string, now: number): Promise<SessionOwner | null> {
  const row = await db
    .select({
      sessionId: sessions.id,
      staffId: sessions.staffId,
      merchantId: sessions.merchantId,
      csrfToken: sessions.csrfToken,
      role: staff.role,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .innerJoin(staff, eq(staff.id, sessions.staffId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now), eq(staff.status, "active")))
    .get();
  return row ?? null;
}

export function deleteSessionStatement(db: Db, sessionId: string) {
  return db.delete(sessions).where(eq(sessions.id, sessionId));
}
