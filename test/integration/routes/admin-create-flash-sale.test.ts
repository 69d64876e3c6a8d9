import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createProduct,
  createTeam,
  type Role,
  signIn,
  stock,
  stockOf,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { cookieHeader, expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/flash-sales");
const HOUR = 3_600_000;

const saleBody = (skuId: string, overrides: Record<string, unknown> = {}) => ({
  skuId,
  name: "Double 11",
  price: { amount: 990, currency: "CNY" },
  quota: 3,
  perCustomerLimit: 1,
  shards: 2,
  startsAt: new Date(Date.now() + HOUR).toISOString(),
  endsAt: new Date(Date.now() + 2 * HOUR).toISOString(),
  ...overrides,
});

const salesOf = async (merchant: TestMerchant) =>
  (await call("GET", "/v1/admin/flash-sales?limit=100", { token: merchant.adminKey })).body.data as { id: string }[];

describe("POST /v1/admin/flash-sales", () => {
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

  it("creates a scheduled sale of a card-secret SKU, setting its units aside, and audits it", async () => {
    const card = await createProduct(merchant, "card_secret");
    await stock(merchant, card.skuId, 5);
    const input = saleBody(card.skuId);
    const res = await call("POST", route.path, { token: merchant.adminKey, json: input });
    expectJson(res, 201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^fls_/),
      skuId: card.skuId,
      name: "Double 11",
      price: { amount: 990, currency: "CNY" },
      quota: 3,
      perCustomerLimit: 1,
      shards: 2,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      status: "scheduled",
      remaining: 3,
      reserved: 0,
      sold: 0,
      stocked: true,
      createdAt: expect.any(String),
      cancelledAt: null,
      closedAt: null,
    });
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 2, reserved: 0, sold: 0 });
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "flash_sale.created",
      target: res.body.id,
      detail: { skuId: card.skuId, quota: 3 },
    });
  });

  it("sells a voucher's quota as a count, names the sale after the product, and caps the shards at the quota", async () => {
    const voucher = await createProduct(merchant, "voucher");
    const res = await call("POST", route.path, {
      token: merchant.adminKey,
      json: saleBody(voucher.skuId, { name: undefined, shards: undefined, quota: 2 }),
    });
    expectJson(res, 201);
    expect(res.body).toMatchObject({ quota: 2, shards: 2, name: expect.stringContaining("· Standard"), stocked: true });
  });

  it("refuses a window that ends before it starts or is already over, a price in another currency, and a bad quota with 400", async () => {
    const voucher = await createProduct(merchant, "voucher");
    const now = Date.now();
    const cases: [Record<string, unknown>, string][] = [
      [{ startsAt: new Date(now + 2 * HOUR).toISOString(), endsAt: new Date(now + HOUR).toISOString() }, "endsAt"],
      [{ startsAt: new Date(now - 2 * HOUR).toISOString(), endsAt: new Date(now - HOUR).toISOString() }, "endsAt"],
      [{ endsAt: new Date(now + 40 * 86_400_000).toISOString() }, "endsAt"],
      [{ price: { amount: 990, currency: "USD" } }, "price.currency"],
      [{ quota: 0 }, "quota"],
      [{ shards: 17 }, "shards"],
      [{ startsAt: "next friday" }, "startsAt"],
    ];
    for (const [overrides, field] of cases) {
      const res = await call("POST", route.path, {
        token: merchant.adminKey,
        json: saleBody(voucher.skuId, overrides),
      });
      await route.expectProblem(res, "validation_failed");
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
    expect((await salesOf(merchant)).length).toBe(2);
  });

  it("refuses with 409: more units than the SKU holds, an overlapping sale, a kind a sale cannot sell", async () => {
    const card = await createProduct(merchant, "card_secret");
    await stock(merchant, card.skuId, 2);
    const before = (await salesOf(merchant)).length;
    await route.expectProblem(
      await call("POST", route.path, { token: merchant.adminKey, json: saleBody(card.skuId, { quota: 3 }) }),
      "insufficient_stock",
    );
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 2, reserved: 0, sold: 0 });
    expectJson(
      await call("POST", route.path, { token: merchant.adminKey, json: saleBody(card.skuId, { quota: 1 }) }),
      201,
    );
    await route.expectProblem(
      await call("POST", route.path, { token: merchant.adminKey, json: saleBody(card.skuId, { quota: 1 }) }),
      "conflict",
    );
    const shared = await createProduct(merchant, "shared_account");
    await route.expectProblem(
      await call("POST", route.path, { token: merchant.adminKey, json: saleBody(shared.skuId) }),
      "conflict",
    );
    expect((await salesOf(merchant)).length).toBe(before + 1);
  });

  it("answers an unknown SKU with 404, and another merchant's SKU exactly like a missing one, creating nothing", async () => {
    const card = await createProduct(merchant, "card_secret");
    await stock(merchant, card.skuId, 3);
    await route.expectProblem(
      await call("POST", route.path, { token: merchant.adminKey, json: saleBody("sku_nope") }),
      "not_found",
    );
    const foreign = await call("POST", route.path, { token: other.adminKey, json: saleBody(card.skuId) });
    const missing = await call("POST", route.path, {
      token: other.adminKey,
      json: saleBody("sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6"),
    });
    await expectForeignLikeMissing(route, foreign, missing);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 3, reserved: 0, sold: 0 });
    expect(await salesOf(other)).toEqual([]);
  });

  it("replays the same Idempotency-Key and body as the same sale, and refuses it with another body (422)", async () => {
    const card = await createProduct(merchant, "card_secret");
    await stock(merchant, card.skuId, 4);
    const key = crypto.randomUUID();
    const input = saleBody(card.skuId, { quota: 2 });
    const first = await call("POST", route.path, {
      token: merchant.adminKey,
      json: input,
      headers: { "idempotency-key": key },
    });
    expectJson(first, 201);
    const again = await call("POST", route.path, {
      token: merchant.adminKey,
      json: input,
      headers: { "idempotency-key": key },
    });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 2, reserved: 0, sold: 0 });
    await route.expectProblem(
      await call("POST", route.path, {
        token: merchant.adminKey,
        json: { ...input, quota: 1 },
        headers: { "idempotency-key": key },
      }),
      "idempotency_key_reused",
    );
  });

  it("is for owners and operators: finance and support get 403 forbidden; a session needs its CSRF token", async () => {
    const voucher = await createProduct(merchant, "voucher");
    const answers = await byRole(team, (headers) =>
      call("POST", route.path, { headers, json: saleBody(voucher.skuId, { quota: 1 }) }),
    );
    expect(answers.owner.status).toBe(201);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    // The owner's sale now covers the window: the operator's overlaps it.
    await route.expectProblem(answers.operator, "conflict");
    const session = await signIn(merchant);
    await route.expectProblem(
      await call("POST", route.path, { headers: cookieHeader(session, false), json: saleBody(voucher.skuId) }),
      "csrf_failed",
    );
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", route.path, {
        headers: authorization ? { authorization } : {},
        json: saleBody("sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6"),
      }),
    otherKindKey: () => partnerKey,
    observe: () => salesOf(merchant),
  });
});
