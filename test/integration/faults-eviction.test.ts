import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { normalizeCode, sha256Hex } from "@tessera/domain";
import { describe, expect, it } from "vitest";
import {
  type ApiResponse,
  createMerchant,
  createPartner,
  d1Rows,
  deliveredVoucher,
  eventually,
  ledgerOf,
  ledgerViewOf,
  listAll,
  lookupKeyOf,
  redeem,
  tally,
  verify,
} from "./factories";

/** Tears the ledger's instance down; "not currently running" just means there was nothing to evict. */
async function evict(stub: DurableObjectStub): Promise<boolean> {
  try {
    await evictDurableObject(stub);
    return true;
  } catch (error) {
    if (String(error).includes("not currently running")) return false;
    throw error;
  }
}

describe("a CodeLedger evicted mid-run", () => {
  it("loses nothing: successes equal the policy's uses, each use taken once, and every event reaches D1", async () => {
    const USES = 25;
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const card = await deliveredVoucher(merchant, { uses: USES });
    const ledger = await ledgerOf(merchant.id, card.code);

    const responses: ApiResponse[] = [];
    let evictions = 0;
    for (let wave = 0; wave < 4; wave++) {
      // Between waves: the instance (and its cached row) is thrown away.
      if (await evict(ledger)) evictions++;
      const inFlight = Array.from({ length: 20 }, (_, i) => redeem(partner, card.code, { location: `w${wave}-${i}` }));
      // During a wave: as soon as one answer is back, evict while the others are still in flight.
      await Promise.race(inFlight);
      if (await evict(ledger)) evictions++;
      responses.push(...(await Promise.all(inFlight)));
    }
    expect(evictions).toBeGreaterThanOrEqual(4);

    expect(tally(responses)).toEqual({ "201": USES, "409 code_already_redeemed": 80 - USES });
    const wins = responses.filter((res) => res.status === 201);
    // Each use was taken exactly once: the successes saw 24, 23, … 0 uses left, no value twice.
    expect(wins.map((res) => res.body.code.remainingUses).sort((a, b) => a - b)).toEqual(
      Array.from({ length: USES }, (_, i) => i),
    );
    expect((await verify(partner, card.code)).body).toMatchObject({ status: "redeemed", remainingUses: 0 });

    // Whatever the evictions cut short is still in the outbox, with an alarm armed to send it.
    const pending = await ledger.pendingEvents();
    if (pending > 0) {
      expect(await runInDurableObject(ledger, (_instance, state) => state.storage.getAlarm())).not.toBeNull();
      expect(await runDurableObjectAlarm(ledger)).toBe(true);
    }
    expect(await ledger.pendingEvents()).toBe(0);

    const view = await ledgerViewOf(merchant.id, card.code);
    const rows = await eventually(
      () =>
        d1Rows<{ version: number; uses_remaining: number; n: number }>(
          `SELECT version, uses_remaining, (SELECT count(*) FROM redemptions r WHERE r.code_id = c.id) AS n
           FROM codes c WHERE c.id = ?`,
          view?.codeId,
        ),
      (found) => found[0]?.n === USES && found[0]?.version === USES + 1,
      15_000,
    );
    expect(rows[0]).toEqual({ version: USES + 1, uses_remaining: 0, n: USES });
    const listed = await listAll("/v1/admin/redemptions", merchant.adminKey);
    expect(listed.map((r) => r.id).sort()).toEqual(wins.map((res) => res.body.id).sort());
  });

  it("an evicted ledger keeps reversals and idempotency keys: a retried call after eviction takes nothing", async () => {
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const card = await deliveredVoucher(merchant, { uses: 2 });
    const ledger = await ledgerOf(merchant.id, card.code);

    const first = await redeem(partner, card.code, { idempotencyKey: "evict-1" });
    expect(first.status).toBe(201);
    await evict(ledger);
    // The same key, straight to the ledger after eviction (bypassing the HTTP idempotency
    // table): the ledger's own record answers with the first redemption.
    const retried = await ledger.redeem({
      lookupKey: await lookupKeyOf(merchant.id, card.code),
      merchantId: merchant.id,
      partnerId: partner.id,
      idempotencyKey: "evict-1",
      requestHash: await requestHashOf(card.code),
      location: null,
    });
    expect(retried).toMatchObject({ ok: true, replayed: true, redemption: { id: first.body.id } });
    expect((await verify(partner, card.code)).body.remainingUses).toBe(1);

    await evict(ledger);
    const burst = await Promise.all(Array.from({ length: 10 }, () => redeem(partner, card.code)));
    expect(tally(burst)).toEqual({ "201": 1, "409 code_already_redeemed": 9 });
    await evict(ledger);
    expect((await verify(partner, card.code)).body).toMatchObject({ status: "redeemed", remainingUses: 0 });
  });
});

/** The ledger's request hash for a plain redemption without location, as the service computes it. */
function requestHashOf(code: string): Promise<string> {
  return sha256Hex(JSON.stringify([normalizeCode(code), null]));
}
