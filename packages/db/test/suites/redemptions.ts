import { newId } from "@tessera/domain";
import { expect, it } from "vitest";
import {
  type Db,
  listRedemptionsPage,
  type NewRedemption,
  type RedemptionListing,
  recordRedemption,
  recordReversal,
  upsertCodeSnapshot,
} from "../../src";
import { makeMerchant, tick } from "../factories";
import { snapshot } from "./codes";

function redemption(codeId: string): NewRedemption {
  const at = tick();
  return {
    id: newId("redemption", at),
    codeId,
    partnerId: "ptn_test",
    location: "store 1",
    actor: "partner:ptn_test",
    createdAt: at,
  };
}

async function listAll(db: Db, merchantId: string, status?: "completed" | "reversed"): Promise<RedemptionListing[]> {
  return (await listRedemptionsPage(db, merchantId, { limit: 100, status })).data;
}

/** A redemption that took a use, not stored value: no amount or currency. */
const noAmount = { amount: null, currency: null };

export function redemptionTests(db: () => Db): void {
  it("records a redemption once, however often its event arrives", async () => {
    const merchant = await makeMerchant(db());
    const made = redemption("cod_once");
    expect(await recordRedemption(db(), merchant.id, made)).toBe(true);
    expect(await recordRedemption(db(), merchant.id, made)).toBe(false);
    expect(await listAll(db(), merchant.id)).toEqual([
      {
        redemption: { ...made, ...noAmount, merchantId: merchant.id, status: "completed", reversedAt: null },
        skuId: null,
        orderId: null,
      },
    ]);
  });

  it("marks a redemption reversed, or inserts it reversed when the reversal arrives first", async () => {
    const merchant = await makeMerchant(db());
    const redeemed = redemption("cod_rev");
    const early = redemption("cod_early");
    await recordRedemption(db(), merchant.id, redeemed);
    expect(await recordReversal(db(), merchant.id, { ...redeemed, reversedAt: 500 })).toBe(true);
    expect(await recordReversal(db(), merchant.id, { ...early, reversedAt: 600 })).toBe(true);
    expect(await recordRedemption(db(), merchant.id, early)).toBe(false);
    const rows = (await listAll(db(), merchant.id)).map((row) => row.redemption);
    expect(rows).toEqual([
      { ...early, ...noAmount, merchantId: merchant.id, status: "reversed", reversedAt: 600 },
      { ...redeemed, ...noAmount, merchantId: merchant.id, status: "reversed", reversedAt: 500 },
    ]);
  });

  it("never lets another merchant reverse or see a redemption", async () => {
    const a = await makeMerchant(db());
    const b = await makeMerchant(db());
    const made = redemption("cod_foreign");
    await recordRedemption(db(), a.id, made);
    expect(await recordReversal(db(), b.id, { ...made, reversedAt: 700 })).toBe(false);
    expect(await listAll(db(), b.id)).toEqual([]);
    expect((await listAll(db(), a.id))[0]?.redemption).toMatchObject({ status: "completed", reversedAt: null });
  });

  it("lends a redemption its own merchant's code only", async () => {
    const a = await makeMerchant(db());
    const b = await makeMerchant(db());
    const code = snapshot(1, 2);
    await upsertCodeSnapshot(db(), a.id, code, 100);
    await recordRedemption(db(), a.id, redemption(code.id));
    await recordRedemption(db(), b.id, redemption(code.id));
    expect(await listAll(db(), a.id)).toEqual([expect.objectContaining({ skuId: code.skuId, orderId: code.orderId })]);
    expect(await listAll(db(), b.id)).toEqual([expect.objectContaining({ skuId: null, orderId: null })]);
  });

  it("pages redemptions newest first with no duplicates or gaps, and filters by status", async () => {
    const merchant = await makeMerchant(db());
    const made: NewRedemption[] = [];
    for (let i = 0; i < 9; i++) {
      const code = snapshot(1, 2);
      await upsertCodeSnapshot(db(), merchant.id, code, 100);
      const row = redemption(code.id);
      await recordRedemption(db(), merchant.id, row);
      if (i % 4 === 0) await recordReversal(db(), merchant.id, { ...row, reversedAt: 900 });
      made.push(row);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listRedemptionsPage(db(), merchant.id, { limit: 4, cursor });
      seen.push(...page.data.map((row) => row.redemption.id));
      expect(page.data.every((row) => row.skuId === "sku_test")).toBe(true);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(made.map((row) => row.id).reverse());
    const reversed = made.filter((_, i) => i % 4 === 0).map((row) => row.id);
    expect((await listAll(db(), merchant.id, "reversed")).map((row) => row.redemption.id)).toEqual(reversed.reverse());
    expect(await listAll(db(), merchant.id, "completed")).toHaveLength(6);
  });
}
