import { describe, expect, it } from "vitest";
import {
  type ApiResponse,
  call,
  createMerchant,
  createPartner,
  d1Rows,
  deliveredVoucher,
  eventually,
  ledgerOf,
  listAll,
  redeem,
  type TestMerchant,
  tally,
  verify,
} from "./factories";

/**
 * A code is redeemed at most as many times as its policy allows, under any concurrency: every
 * burst below is real requests through the Worker, all in flight at once, against one code.
 */

/** Waits until the redemption read model holds `ids` for the code, then returns every redemption of the merchant. */
async function readModelOf(merchant: TestMerchant, codeId: string, expected: number, version: number) {
  const settled = await eventually(
    () =>
      d1Rows<{ version: number; n: number }>(
        "SELECT c.version AS version, (SELECT count(*) FROM redemptions r WHERE r.code_id = c.id) AS n FROM codes c WHERE c.id = ?",
        codeId,
      ),
    (rows) => rows[0]?.version === version && rows[0]?.n === expected,
    15_000,
  );
  expect(settled[0]).toEqual({ version, n: expected });
  return listAll("/v1/admin/redemptions", merchant.adminKey);
}

async function burst(
  partner: { apiKey: string },
  code: string,
  n: number,
  idempotencyKey?: string,
): Promise<ApiResponse[]> {
  return Promise.all(Array.from({ length: n }, () => redeem(partner, code, idempotencyKey ? { idempotencyKey } : {})));
}

describe("redemption under concurrency", () => {
  it("200 simultaneous redemptions of a single-use code: exactly 1 succeeds, 199 are refused", async () => {
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const voucher = await deliveredVoucher(merchant, { uses: 1 });

    const responses = await burst(partner, voucher.code, 200);

    expect(tally(responses)).toEqual({ "201": 1, "409 code_already_redeemed": 199 });
    const winner = responses.find((res) => res.status === 201);
    expect(winner?.body.code).toEqual({ status: "redeemed", remainingUses: 0 });

    const check = await verify(partner, voucher.code);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ valid: false, status: "redeemed", remainingUses: 0 });
    // The ledger itself agrees, and holds nothing it has not published.
    const ledger = await ledgerOf(merchant.id, voucher.code);
    const view = await ledger.verify(merchant.id);
    expect(view).toMatchObject({ usesTotal: 1, remainingUses: 0, status: "redeemed" });

    const codeId = view?.codeId as string;
    const listed = await readModelOf(merchant, codeId, 1, 2);
    expect(listed.map((r) => r.id)).toEqual([winner?.body.id]);
    expect(listed[0]).toMatchObject({ codeId, partnerId: partner.id, status: "completed" });
  });

  it("200 simultaneous redemptions of a 5-use count card: exactly 5 succeed, each taking a distinct use", async () => {
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const card = await deliveredVoucher(merchant, { uses: 5 });

    const responses = await burst(partner, card.code, 200);

    expect(tally(responses)).toEqual({ "201": 5, "409 code_already_redeemed": 195 });
    const wins = responses.filter((res) => res.status === 201);
    // Serialized by the ledger: the five successes saw 4, 3, 2, 1, 0 uses left, once each.
    expect(wins.map((res) => res.body.code.remainingUses).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(wins.map((res) => res.body.id)).size).toBe(5);

    const check = await verify(partner, card.code);
    expect(check.body).toMatchObject({ valid: false, status: "redeemed", remainingUses: 0 });

    const view = await (await ledgerOf(merchant.id, card.code)).verify(merchant.id);
    const listed = await readModelOf(merchant, view?.codeId as string, 5, 6);
    expect(listed.map((r) => r.id).sort()).toEqual(wins.map((res) => res.body.id).sort());
    expect(listed.every((r) => r.status === "completed")).toBe(true);

    const [codeRow] = await d1Rows("SELECT status, uses_total, uses_remaining FROM codes WHERE id = ?", view?.codeId);
    expect(codeRow).toEqual({ status: "redeemed", uses_total: 5, uses_remaining: 0 });
  });

  it("one Idempotency-Key sent 50 times at once takes exactly one use; every success is the same redemption", async () => {
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const card = await deliveredVoucher(merchant, { uses: 5 });
    const key = `redeem-${crypto.randomUUID()}`;

    const responses = await burst(partner, card.code, 50, key);

    const counts = tally(responses);
    expect(Object.keys(counts).every((k) => k === "201" || k === "409 idempotency_key_in_use")).toBe(true);
    expect(counts["201"] ?? 0).toBeGreaterThanOrEqual(1);
    expect((counts["201"] ?? 0) + (counts["409 idempotency_key_in_use"] ?? 0)).toBe(50);
    const ids = new Set(responses.filter((res) => res.status === 201).map((res) => res.body.id));
    expect(ids.size).toBe(1);
    const [redemptionId] = [...ids];

    // Exactly one use was taken.
    expect((await verify(partner, card.code)).body).toMatchObject({ valid: true, status: "active", remainingUses: 4 });

    // Once the first has finished, the key replays the same answer and takes nothing more.
    const replay = await redeem(partner, card.code, { idempotencyKey: key });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.id).toBe(redemptionId);
    const otherBody = await redeem(partner, card.code, { idempotencyKey: key, location: "store-2" });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body.code).toBe("idempotency_key_reused");
    expect((await verify(partner, card.code)).body.remainingUses).toBe(4);

    const view = await (await ledgerOf(merchant.id, card.code)).verify(merchant.id);
    const listed = await readModelOf(merchant, view?.codeId as string, 1, 2);
    expect(listed.map((r) => r.id)).toEqual([redemptionId]);
  });

  it("a burst against one code does not touch another code of the same merchant", async () => {
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const target = await deliveredVoucher(merchant, { uses: 3 });
    const bystander = await deliveredVoucher(merchant, { uses: 3 });

    const [onTarget, onBystander] = await Promise.all([
      burst(partner, target.code, 60),
      burst(partner, bystander.code, 2),
    ]);

    expect(tally(onTarget)).toEqual({ "201": 3, "409 code_already_redeemed": 57 });
    expect(tally(onBystander)).toEqual({ "201": 2 });
    expect((await verify(partner, bystander.code)).body.remainingUses).toBe(1);
    const other = await createMerchant();
    const foreign = await call("POST", "/v1/partner/redemptions", {
      token: (await createPartner(other)).apiKey,
      json: { code: bystander.code },
    });
    expect(foreign.status).toBe(404);
    expect((await verify(partner, bystander.code)).body.remainingUses).toBe(1);
  });
});
