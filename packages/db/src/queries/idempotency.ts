import { and, eq, lt } from "drizzle-orm";
import type { Db } from "../client";
import { idempotencyKeys } from "../schema";

export type IdempotencyRecord = typeof idempotencyKeys.$inferSelect;

export interface IdempotencyClaim {
  /** Whose key it is (a caller); the same key in two scopes is two keys. */
  scope: string;
  key: string;
  requestHash: string;
  createdAt: number;
}

const keyIs = (scope: string, key: string) => and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));

/** Claims a key for a first request; of any number of concurrent claims exactly one returns true. */
export async function claimIdempotencyKey(db: Db, claim: IdempotencyClaim): Promise<boolean> {
  const claimed = await db
    .insert(idempotencyKeys)
    .values({ ...claim, state: "pending" })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return claimed.length > 0;
}

export async function findIdempotencyKey(db: Db, scope: string, key: string): Promise<IdempotencyRecord | null> {
  return (await db.select().from(idempotencyKeys).where(keyIs(scope, key)).get()) ?? null;
}

/** Keeps the first request's answer so a retry with the same key replays it. */
export async function completeIdempotencyKey(
  db: Db,
  scope: string,
  key: string,
  response: { status: number; body: string },
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ state: "done", responseStatus: response.status, responseBody: response.body })
    .where(keyIs(scope, key));
}

/** Forgets a key whose request failed in a way worth retrying afresh. */
export async function releaseIdempotencyKey(db: Db, scope: string, key: string): Promise<void> {
  await db.delete(idempotencyKeys).where(keyIs(scope, key));
}

/**
 * Drops a claim still pending since before `claimedBefore`: its invocation died. True when it was
 * dropped; the caller then claims again, and only one of several racing retries wins that claim.
 */
export async function releaseAbandonedIdempotencyKey(
  db: Db,
  scope: string,
  key: string,
  claimedBefore: number,
): Promise<boolean> {
  const dropped = await db
    .delete(idempotencyKeys)
    .where(and(keyIs(scope, key), eq(idempotencyKeys.state, "pending"), lt(idempotencyKeys.createdAt, claimedBefore)))
    .returning({ key: idempotencyKeys.key });
  return dropped.length > 0;
}
