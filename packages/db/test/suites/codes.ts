import { newId } from "@tessera/domain";
import { expect, it } from "vitest";
import { type CodeSnapshot, type Db, findCode, upsertCodeSnapshot } from "../../src";
import { makeMerchant, tick } from "../factories";

export function snapshot(version: number, usesRemaining: number, id = newId("code", tick())): CodeSnapshot {
  return {
    id,
    skuId: "sku_test",
    orderId: "ord_test",
    lookupKey: `lk_${id}`,
    status: usesRemaining > 0 ? "active" : "used_up",
    usesTotal: 3,
    usesRemaining,
    expiresAt: null,
    version,
  };
}

export function codeTests(db: () => Db): void {
  it("inserts a code, then changes it only for a newer version", async () => {
    const merchant = await makeMerchant(db());
    const v1 = snapshot(1, 3);
    expect(await upsertCodeSnapshot(db(), merchant.id, v1, 100)).toBe(true);
    expect(await upsertCodeSnapshot(db(), merchant.id, snapshot(3, 1, v1.id), 300)).toBe(true);
    expect(await upsertCodeSnapshot(db(), merchant.id, snapshot(2, 2, v1.id), 200)).toBe(false);
    expect(await findCode(db(), merchant.id, v1.id)).toEqual({
      ...v1,
      // A voucher's snapshot carries no form: the forms' columns stay empty.
      form: null,
      balanceTotal: null,
      balanceRemaining: null,
      activatedAt: null,
      seatsUsed: null,
      merchantId: merchant.id,
      status: "active",
      usesRemaining: 1,
      version: 3,
      createdAt: 100,
      updatedAt: 300,
    });
  });

  it("treats the same snapshot applied twice as a no-op", async () => {
    const merchant = await makeMerchant(db());
    const v2 = snapshot(2, 0);
    expect(await upsertCodeSnapshot(db(), merchant.id, v2, 100)).toBe(true);
    expect(await upsertCodeSnapshot(db(), merchant.id, v2, 999)).toBe(false);
    expect(await findCode(db(), merchant.id, v2.id)).toMatchObject({ status: "used_up", version: 2, updatedAt: 100 });
  });

  it("never lets another merchant read or overwrite a code", async () => {
    const a = await makeMerchant(db());
    const b = await makeMerchant(db());
    const code = snapshot(1, 3);
    await upsertCodeSnapshot(db(), a.id, code, 100);
    expect(await upsertCodeSnapshot(db(), b.id, snapshot(9, 0, code.id), 900)).toBe(false);
    expect(await findCode(db(), b.id, code.id)).toBeNull();
    expect(await findCode(db(), a.id, code.id)).toMatchObject({ merchantId: a.id, version: 1, usesRemaining: 3 });
  });
}
