import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createFlashSale,
  createMerchant,
  createPartner,
  createProduct,
  createTeam,
  eventually,
  placeOrder,
  type Role,
  stock,
  stockOf,
  stockShardOf,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/flash-sales/{flashSaleId}/cancel");
const path = (id: string) => `/v1/admin/flash-sales/${id}/cancel`;

describe("POST /v1/admin/flash-sales/{flashSaleId}/cancel", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  async function cardSale(units: number, quota: number, shards = 2) {
    const { skuId } = await createProduct(merchant, "card_secret", undefined, 1999);
    await stock(merchant, skuId, units);
    return { skuId, sale: await createFlashSale(merchant, skuId, { quota, shards, price: 500 }) };
  }

  it("stops an open sale at once: unsold units go home, a held order keeps its unit, the SKU sells at its normal price", async () => {
    const { skuId, sale } = await cardSale(6, 4);
    const held = await placeOrder(merchant, [{ skuId, quantity: 1 }], "keeper@example.test");
    expect(held.body.total.amount).toBe(500);
    expect(await stockOf(merchant, skuId)).toEqual({ available: 2, reserved: 0, sold: 0 });

    const res = await call("POST", path(sale.id), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toMatchObject({ id: sale.id, status: "cancelled", cancelledAt: expect.any(String), remaining: 0 });
    expect(res.body.closedAt).not.toBeNull();
    expect(
      await eventually(
        () => stockOf(merchant, skuId),
        (levels) => levels.available === 5,
      ),
    ).toEqual({
      available: 5,
      reserved: 0,
      sold: 0,
    });
    const total = (await Promise.all([0, 1].map((i) => stockShardOf(sale.id, i).levels()))).reduce(
      (n, level) => ({ available: n.available + level.available, reserved: n.reserved + level.reserved }),
      { available: 0, reserved: 0 },
    );
    expect(total).toEqual({ available: 0, reserved: 1 });
    const after = await placeOrder(merchant, [{ skuId, quantity: 1 }], "after@example.test");
    expect(after.body.total.amount).toBe(1999);
    expect((await auditLog(merchant))[0]).toMatchObject({ action: "flash_sale.cancelled", target: sale.id });
  });

  it("refuses a sale already cancelled, or over, with 409 conflict", async () => {
    const { sale } = await cardSale(2, 1, 1);
    expectJson(await call("POST", path(sale.id), { token: merchant.adminKey }), 200);
    await route.expectProblem(await call("POST", path(sale.id), { token: merchant.adminKey }), "conflict");
    const voucher = await createProduct(merchant, "voucher");
    const brief = await createFlashSale(merchant, voucher.skuId, { quota: 1, endsAt: Date.now() + 300 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await route.expectProblem(await call("POST", path(brief.id), { token: merchant.adminKey }), "conflict");
  });

  it("replays the same Idempotency-Key: one cancellation, one audit entry", async () => {
    const { sale } = await cardSale(2, 2);
    const key = crypto.randomUUID();
    const first = await call("POST", path(sale.id), { token: merchant.adminKey, headers: { "idempotency-key": key } });
    expectJson(first, 200);
    const again = await call("POST", path(sale.id), { token: merchant.adminKey, headers: { "idempotency-key": key } });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(
      (await auditLog(merchant)).filter((e) => e.target === sale.id && e.action === "flash_sale.cancelled"),
    ).toHaveLength(1);
  });

  it("answers an unknown sale with 404, and another merchant's exactly like a missing one, cancelling nothing", async () => {
    const { sale } = await cardSale(2, 2);
    await route.expectProblem(await call("POST", path("fls_nope"), { token: merchant.adminKey }), "not_found");
    const foreign = await call("POST", path(sale.id), { token: other.adminKey });
    const missing = await call("POST", path("fls_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
    const view = await call("GET", `/v1/admin/flash-sales/${sale.id}`, { token: merchant.adminKey });
    expect(view.body.status).toBe("open");
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const sales = await Promise.all([1, 2, 3, 4].map(() => cardSale(1, 1, 1)));
    const ids = { owner: sales[0], operator: sales[1], finance: sales[2], support: sales[3] };
    const answers = await byRole(team, (headers, member) =>
      call("POST", path(ids[member.role]?.sale.id as string), { headers }),
    );
    expect(answers.owner.status).toBe(200);
    expect(answers.operator.status).toBe(200);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", path("fls_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
