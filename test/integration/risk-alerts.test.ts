import { describe, expect, it } from "vitest";
import {
  buyAndDeliver,
  call,
  createMerchant,
  createPartner,
  createProduct,
  deliveredVoucher,
  eventually,
  listAll,
  redeem,
  type TestMerchant,
  tally,
} from "./factories";
import { setRisk } from "./risk-kit";

/**
 * Partner-side rules, raised from the `events` queue after each redemption (never in its path):
 * impossible travel between two redemptions of one code, a partner's burst, and a redemption
 * outside its SKU's regions or hours. Each alert is raised once.
 */

const SHANGHAI = "geo:31.23,121.47";
const BEIJING = "geo:39.9,116.4";

const alerts = (merchant: TestMerchant) => listAll("/v1/admin/risk/alerts", merchant.adminKey);

/** Waits until the events consumer has written `count` redemptions of the merchant's codes. */
async function redemptionsApplied(merchant: TestMerchant, count: number) {
  const seen = await eventually(
    () => listAll("/v1/admin/redemptions", merchant.adminKey),
    (rows) => rows.length >= count,
    10_000,
  );
  expect(seen).toHaveLength(count);
}

describe("redemption alerts", () => {
  it("flag a count card redeemed in Shanghai and then in Beijing a moment later, once", async () => {
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const voucher = await deliveredVoucher(merchant, { uses: 4 });
    expect((await redeem(partner, voucher.code, { location: SHANGHAI })).status).toBe(201);
    expect((await redeem(partner, voucher.code, { location: BEIJING })).status).toBe(201);
    // Beijing again, and a store with no known place: neither is travel.
    expect((await redeem(partner, voucher.code, { location: BEIJING })).status).toBe(201);
    expect((await redeem(partner, voucher.code, { location: "front desk" })).status).toBe(201);
    await redemptionsApplied(merchant, 4);
    const raised = await eventually(
      () => alerts(merchant),
      (rows) => rows.length > 0,
      10_000,
    );
    expect(raised).toEqual([
      expect.objectContaining({
        kind: "impossible_travel",
        partnerId: partner.id,
        location: BEIJING,
        detail: expect.objectContaining({ km: 1_067, from: SHANGHAI, to: BEIJING, minutes: 0 }),
      }),
    ]);
  });

  it("place store ids through the merchant's own locations", async () => {
    const merchant = await createMerchant();
    await setRisk(merchant, (settings) => {
      settings.redemption.locations = {
        "store-sh-01": { lat: 31.23, lon: 121.47, region: "CN" },
        "store-sz-07": { lat: 22.54, lon: 114.06, region: "CN" },
      };
    });
    const partner = await createPartner(merchant);
    const voucher = await deliveredVoucher(merchant, { uses: 2 });
    await redeem(partner, voucher.code, { location: "store-sh-01" });
    await redeem(partner, voucher.code, { location: "store-sz-07" });
    await redemptionsApplied(merchant, 2);
    const raised = await eventually(
      () => alerts(merchant),
      (rows) => rows.length > 0,
      10_000,
    );
    expect(raised.map((alert) => [alert.kind, alert.detail.from, alert.detail.to])).toEqual([
      ["impossible_travel", "store-sh-01", "store-sz-07"],
    ]);
  });

  it("raise one burst alert when a partner redeems more than its limit within the window", async () => {
    const merchant = await createMerchant();
    await setRisk(merchant, (settings) => {
      settings.redemption.burstLimit = 5;
      settings.redemption.burstWindowMinutes = 60;
    });
    const partner = await createPartner(merchant);
    const calm = await createPartner(merchant);
    const product = await createProduct(merchant, "voucher");
    const bought = await buyAndDeliver(merchant, product.skuId, 12);
    const codes = bought.order.deliveries.map((delivery: { code: string }) => delivery.code);
    const answers = await Promise.all(codes.slice(0, 10).map((code: string) => redeem(partner, code)));
    expect(tally(answers)).toEqual({ "201": 10 });
    // Another partner of the merchant, well under the limit.
    for (const code of codes.slice(10)) expect((await redeem(calm, code)).status).toBe(201);
    await redemptionsApplied(merchant, 12);
    const raised = await eventually(
      () => alerts(merchant),
      (rows) => rows.length > 0,
      10_000,
    );
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({
      kind: "partner_burst",
      partnerId: partner.id,
      detail: { limit: 5, windowMinutes: 60 },
    });
    expect(raised[0].detail.redemptions).toBeGreaterThan(5);
  });

  it("flag a redemption outside its SKU's regions or hours", async () => {
    const merchant = await createMerchant();
    const voucher = await deliveredVoucher(merchant, { uses: 2 });
    const hour = new Date().getUTCHours();
    await setRisk(merchant, (settings) => {
      settings.redemption.locations = { "store-tokyo": { lat: 35.68, lon: 139.69, region: "JP" } };
      // Open two hours from now for one hour: whenever the test runs, now is outside.
      settings.redemption.skus = {
        [voucher.skuId]: { regions: ["CN"], hours: { from: (hour + 2) % 24, to: (hour + 3) % 24 }, timeZone: "UTC" },
      };
    });
    const partner = await createPartner(merchant);
    await redeem(partner, voucher.code, { location: "store-tokyo" });
    await redemptionsApplied(merchant, 1);
    const raised = await eventually(
      () => alerts(merchant),
      (rows) => rows.length >= 2,
      10_000,
    );
    expect(raised.map((alert) => alert.kind).sort()).toEqual(["outside_hours", "outside_region"]);
    expect(raised.find((alert) => alert.kind === "outside_region")?.detail).toEqual({
      observed: "JP",
      skuId: voucher.skuId,
    });
    const filtered = await call("GET", "/v1/admin/risk/alerts?kind=outside_hours", { token: merchant.adminKey });
    expect(filtered.body.data.map((alert: { kind: string }) => alert.kind)).toEqual(["outside_hours"]);
  });

  it("raise nothing when the merchant turns the redemption rules off", async () => {
    const off = await createMerchant();
    await setRisk(off, (settings) => {
      settings.redemption.enabled = false;
    });
    // A merchant with the rules on, doing the same at the same time: once its alert is there,
    // the events that would have raised the other's have been handled too.
    const on = await createMerchant();
    const travel = async (merchant: TestMerchant) => {
      const partner = await createPartner(merchant);
      const voucher = await deliveredVoucher(merchant, { uses: 2 });
      await redeem(partner, voucher.code, { location: SHANGHAI });
      await redeem(partner, voucher.code, { location: BEIJING });
    };
    await Promise.all([travel(off), travel(on)]);
    await redemptionsApplied(off, 2);
    const control = await eventually(
      () => alerts(on),
      (rows) => rows.length > 0,
      10_000,
    );
    expect(control).toHaveLength(1);
    expect(await alerts(off)).toEqual([]);
  });
});
