import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { licenceActivations } from "../schema";

export type LicenceActivationRow = typeof licenceActivations.$inferSelect;

/**
 * A device's seat as its CodeLedger published it, as a statement for runAtomic. Activations and
 * deactivations of one device arrive in any order; the row follows the one with the newer code
 * version, so a late activation event never gives back a seat a newer deactivation freed.
 */
export function activationStatement(
  db: Db,
  merchantId: string,
  change: { codeId: string; deviceId: string; activatedAt: number; deactivatedAt: number | null; version: number },
) {
  return db
    .insert(licenceActivations)
    .values({ ...change, merchantId })
    .onConflictDoUpdate({
      target: [licenceActivations.codeId, licenceActivations.deviceId],
      set: { activatedAt: change.activatedAt, deactivatedAt: change.deactivatedAt, version: change.version },
      setWhere: and(
        sql`excluded.version > ${licenceActivations.version}`,
        eq(licenceActivations.merchantId, merchantId),
      ),
    })
    .returning({ codeId: licenceActivations.codeId });
}
