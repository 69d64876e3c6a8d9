import { describe, expect, it } from "vitest";
import { buyAndDeliver, call, createMerchant, createPartner, createProduct, stock } from "./factories";

describe("the purchase-to-redemption loop", () => {
  it("a merchant stocks, a consumer buys and pays, gets codes at once, a partner redeems exactly once", async () => {
    const merchant = await createMerchant();
    const card = await createProduct(merchant, "card_secret");
    const voucher = await createProduct(merchant, "voucher", { uses: 2, validDays: 30 });
    expect(await stock(merchant, card.skuId, 3)).toMatchObject({ imported: 3, duplicates: 0, rejected: 0 });
    const partner = await createPartner(merchant);

    const cardOrder = await buyAndDeliver(merchant, card.skuId);
    expect(cardOrder.order.deliveries).toHaveLength(1);
    expect(cardOrder.order.deliveries[0].code).toMatch(/^CARD-/);

    const voucherOrder = await buyAndDeliver(merchant, voucher.skuId);
    const code = voucherOrder.order.deliveries[0].code as string;
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);

    const verify = await call("POST", "/v1/partner/verifications", { token: partner.apiKey, json: { code } });
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ valid: true, status: "active", remainingUses: 2 });

    const first = await call("POST", "/v1/partner/redemptions", {
      token: partner.apiKey,
      json: { code: code.toLowerCase().replaceAll("-", " ") },
    });
    expect(first.status).toBe(201);
    expect(first.body.code).toEqual({ status: "active", remainingUses: 1 });
    const second = await call("POST", "/v1/partner/redemptions", { token: partner.apiKey, json: { code } });
    expect(second.body.code).toEqual({ status: "redeemed", remainingUses: 0 });
    const third = await call("POST", "/v1/partner/redemptions", { token: partner.apiKey, json: { code } });
    expect(third.status).toBe(409);
    expect(third.body.code).toBe("code_already_redeemed");

    const reversal = await call("POST", `/v1/partner/redemptions/${first.body.id}/reversal`, { token: partner.apiKey });
    expect(reversal.status).toBe(200);
    expect(reversal.body.code).toEqual({ status: "active", remainingUses: 1 });
    const again = await call("POST", `/v1/partner/redemptions/${first.body.id}/reversal`, { token: partner.apiKey });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("already_reversed");
  });
});
