import { beforeAll, describe, expect, it } from "vitest";
import {
  createReseller,
  receivedBy,
  registerReceiver,
  resellerOrder,
  setPrices,
  type TestReseller,
} from "../channel-kit";
import {
  byRole,
  call,
  createMerchant,
  createProduct,
  createTeam,
  eventually,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/channels/{channelId}/webhook-deliveries");
const path = (id: string) => `/v1/admin/channels/${id}/webhook-deliveries`;

describe("GET /v1/admin/channels/{channelId}/webhook-deliveries", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let reseller: TestReseller;
  let hook: { name: string; id: string };
  let orderId: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 500);
    reseller = await createReseller(merchant, 5000);
    await setPrices(merchant, reseller.id, [{ skuId: voucher.skuId, price: 400 }]);
    // The receiver fails the first answer: the delivery is retried and then succeeds.
    hook = await registerReceiver(reseller, 1);
    orderId = (await resellerOrder(reseller, [{ skuId: voucher.skuId, quantity: 1 }])).body.id;
    await eventually(
      () => receivedBy(hook.name),
      (got) => got.some((r) => r.answered === 200),
      20_000,
    );
  });

  it("lists each delivery with its event, attempts and last answer", async () => {
    const res = await eventually(
      () => call("GET", path(reseller.id), { token: merchant.adminKey }),
      (answer) => answer.body.data[0]?.status === "succeeded",
    );
    expectJson(res, 200);
    expect(res.body.data).toEqual([
      {
        id: expect.stringMatching(/^whd_/),
        webhookId: hook.id,
        url: expect.stringContaining(hook.name),
        eventId: expect.stringMatching(/^evt_/),
        eventType: "order.fulfilled",
        orderId,
        status: "succeeded",
        attempts: 2,
        lastStatusCode: 200,
        lastError: null,
        nextAttemptAt: null,
        deliveredAt: expect.any(String),
        createdAt: expect.any(String),
      },
    ]);
    expect((await receivedBy(hook.name)).map((r) => r.answered)).toEqual([500, 200]);
  });

  it("answers another merchant's channel exactly like a missing one", async () => {
    const foreign = await call("GET", path(reseller.id), { token: other.adminKey });
    const missing = await call("GET", path("chn_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
    await route.expectProblem(
      await call("GET", `${path(reseller.id)}?limit=0`, { token: merchant.adminKey }),
      "validation_failed",
    );
  });

  it("is readable by every role", async () => {
    const answers = await byRole(team, (headers) => call("GET", path(reseller.id), { headers }));
    for (const res of Object.values(answers)) expectJson(res, 200);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", path(reseller.id), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => reseller.apiKey,
  });
});
