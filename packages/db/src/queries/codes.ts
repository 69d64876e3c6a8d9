import { and, eq, inArray, sql } from "drizzle-orm";
import { MAX_BOUND_PARAMETERS } from "../chunks";
import type { Db } from "../client";
import { codes } from "../schema";

export type CodeRow = typeof codes.$inferSelect;

type FormColumns = "form" | "balanceTotal" | "balanceRemaining" | "activatedAt" | "seatsUsed";

/**
 * A code's state as its CodeLedger published it; `version` orders snapshots of one code. The
 * form's columns are absent from vouchers' snapshots (and from events older than the forms).
 */
export type CodeSnapshot = Omit<CodeRow, "merchantId" | "createdAt" | "updatedAt" | FormColumns> &
  Partial<Pick<CodeRow, FormColumns>>;

/**
 * Upserts a code's read-model row from a snapshot taken at `at`, as a statement for runAtomic.
 * Events arrive in any order, so an existing row changes only for a strictly newer version (a
 * repeat or an older snapshot is a no-op), and only if it is this merchant's code.
 */
export function codeSnapshotStatement(db: Db, merchantId: string, snapshot: CodeSnapshot, at: number, issuedAt = at) {
  // created_at is the issue time, not the event's: whichever event of the code lands first
  // creates the row, and the row must not depend on that order.
  return db
    .insert(codes)
    .values({ ...snapshot, merchantId, createdAt: issuedAt, updatedAt: at })
    .onConflictDoUpdate({
      target: codes.id,
      set: {
        status: snapshot.status,
        usesRemaining: snapshot.usesRemaining,
        // A time card's window is known from its first use, so its expiry may move once.
        expiresAt: snapshot.expiresAt,
        balanceRemaining: snapshot.balanceRemaining ?? null,
        activatedAt: snapshot.activatedAt ?? null,
        seatsUsed: snapshot.seatsUsed ?? null,
        version: snapshot.version,
        updatedAt: at,
      },
      setWhere: and(sql`excluded.version > ${codes.version}`, eq(codes.merchantId, merchantId)),
    })
    .returning({ id: codes.id });
}

/** True when the snapshot was new or newer and was written. */
export async function upsertCodeSnapshot(
  db: Db,
  merchantId: string,
  snapshot: CodeSnapshot,
  at: number,
  issuedAt = at,
): Promise<boolean> {
  return (await codeSnapshotStatement(db, merchantId, snapshot, at, issuedAt)).length > 0;
}

export async function findCode(db: Db, merchantId: string, codeId: string): Promise<CodeRow | null> {
  return (
    (await db
      .select()
      .from(codes)
      .where(and(eq(codes.id, codeId), eq(codes.merchantId, merchantId)))
      .get()) ?? null
  );
}

/** This merchant's codes among `codeIds` (a foreign id is simply absent), in batches D1 can bind. */
export async function findCodes(db: Db, merchantId: string, codeIds: string[]): Promise<CodeRow[]> {
  const batches: string[][] = [];
  for (let i = 0; i < codeIds.length; i += MAX_BOUND_PARAMETERS - 1) {
    batches.push(codeIds.slice(i, i + MAX_BOUND_PARAMETERS - 1));
  }
  const found = await Promise.all(
    batches.map((ids) =>
      db
        .select()
        .from(codes)
        .where(and(eq(codes.merchantId, merchantId), inArray(codes.id, ids)))
        .all(),
    ),
  );
  return found.flat();
}
