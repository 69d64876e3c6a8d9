import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type LedgerLayout, ledgerNameFor } from "@tessera/domain";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../workers/env";
import {
  type ApiResponse,
  buyAndDeliver,
  call,
  createMerchant,
  createPartner,
  createProduct,
  d1Rows,
  deliveredVoucher,
  eventually,
  ledgerViewOf,
  listAll,
  lookupKeyOf,
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
    const view = await ledgerViewOf(merchant.id, voucher.code);
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

    const view = await ledgerViewOf(merchant.id, card.code);
    const listed = await readModelOf(merchant, view?.codeId as string, 5, 6);
    expect(listed.map((r) => r.id).sort()).toEqual(wins.map((res) => res.body.id).sort());
    expect(listed.every((r) => r.status === "completed")).toBe(true);

    const [codeRow] = await d1Rows("SELECT status, uses_total, uses_remaining FROM codes WHERE id = ?", view?.codeId);
    expect(codeRow).toEqual({ status: "redeemed", uses_total: 5, uses_remaining: 0 });
  });

  it("one Idempotency-Key sent 50 times at once takes exactly one use; all 50 answer the same redemption, 49 as replays", async () => {
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const card = await deliveredVoucher(merchant, { uses: 5 });
    const key = `redeem-${crypto.randomUUID()}`;

    const responses = await burst(partner, card.code, 50, key);

    // The ledger serializes them: the first redeems, the other 49 find its record and replay it.
    expect(tally(responses)).toEqual({ "201": 50 });
    expect(responses.filter((res) => res.headers.get("idempotent-replayed") === "true")).toHaveLength(49);
    const ids = new Set(responses.map((res) => res.body.id));
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

    const view = await ledgerViewOf(merchant.id, card.code);
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

  it("80 codes of one merchant live where the configured layout names their ledger, keyed by lookup key; codes sharing a ledger are redeemed exactly, each on its own uses", async () => {
    const layout = loadConfig(env).ledgerLayout;
    const other: LedgerLayout = layout === "code" ? "shard" : "code";
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const product = await createProduct(merchant, "voucher", { uses: 3 });
    const { order } = await buyAndDeliver(merchant, product.skuId, 80);
    const codes: string[] = order.deliveries.map((d: { code: string }) => d.code);
    expect(codes).toHaveLength(80);

    const byLedger = new Map<string, { code: string; lookupKey: string }[]>();
    for (const code of codes) {
      const lookupKey = await lookupKeyOf(merchant.id, code);
      const name = ledgerNameFor(merchant.id, lookupKey, layout);
      byLedger.set(name, [...(byLedger.get(name) ?? []), { code, lookupKey }]);
    }
    const holdings = async (name: string) =>
      runInDurableObject(env.CODE_LEDGER.get(env.CODE_LEDGER.idFromName(name)), (_instance, state) => {
        const sql = state.storage.sql;
        const armed = sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'codes'").toArray();
        return armed.length === 0
          ? []
          : sql
              .exec<{ lookupKey: string }>("SELECT lookupKey FROM codes ORDER BY lookupKey")
              .toArray()
              .map((row) => row.lookupKey);
      });
    for (const [name, held] of byLedger) {
      expect(await holdings(name)).toEqual(held.map((h) => h.lookupKey).sort());
    }
    // Nothing was stored where the other layout would have looked.
    const elsewhere = await Promise.all(
      codes.map(async (code) => ledgerNameFor(merchant.id, await lookupKeyOf(merchant.id, code), other)),
    );
    for (const name of new Set(elsewhere)) expect(await holdings(name)).toEqual([]);
    if (layout === "code") {
      expect(byLedger.size).toBe(80);
    } else {
      // 80 codes over 256 shards: some shards hold several (the chance that none does is 4·10⁻⁶).
      expect(byLedger.size).toBeLessThan(80);
    }

    // The two most crowded ledgers' codes, 20 simultaneous redemptions each, all at once.
    const crowded = [...byLedger.values()]
      .sort((a, b) => b.length - a.length)
      .slice(0, 2)
      .flat()
      .slice(0, 4);
    const bursts = await Promise.all(crowded.map(({ code }) => burst(partner, code, 20)));
    for (const responses of bursts) expect(tally(responses)).toEqual({ "201": 3, "409 code_already_redeemed": 17 });
    const untouched = codes.filter((code) => !crowded.some((c) => c.code === code));
    const checks = await Promise.all(untouched.map((code) => verify(partner, code)));
    expect(checks.every((res) => res.status === 200 && res.body.remainingUses === 3)).toBe(true);
  });

  it("one Idempotency-Key sent at once with 30 different codes redeems exactly one of them; the other 29 are refused 422 and keep their use", async () => {
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const product = await createProduct(merchant, "voucher", { uses: 1 });
    const { order } = await buyAndDeliver(merchant, product.skuId, 30);
    const codes: string[] = order.deliveries.map((d: { code: string }) => d.code);
    const idempotencyKey = `cross-${crypto.randomUUID()}`;

    const responses = await Promise.all(codes.map((code) => redeem(partner, code, { idempotencyKey })));

    expect(tally(responses)).toEqual({ "201": 1, "422 idempotency_key_reused": 29 });
    const winner = codes[responses.findIndex((res) => res.status === 201)] as string;
    const states = await Promise.all(
      codes.map(async (code) => [code, (await verify(partner, code)).body.remainingUses]),
    );
    expect(states.filter(([, left]) => left === 0).map(([code]) => code)).toEqual([winner]);
    // The winner's key still replays; with any other code it is still refused.
    const again = await redeem(partner, winner, { idempotencyKey });
    expect([again.status, again.headers.get("idempotent-replayed")]).toEqual([201, "true"]);
    const loser = codes.find((code) => code !== winner) as string;
    expect((await redeem(partner, loser, { idempotencyKey })).body.code).toBe("idempotency_key_reused");
    // Another partner's same key is its own.
    const other = await createPartner(merchant);
    expect((await redeem(other, loser, { idempotencyKey })).status).toBe(201);
  });
});
