import { beforeAll, describe, expect, it } from "vitest";
import {
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  deliveredVoucher,
  eventually,
  redeem,
  type TestMerchant,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/risk/alerts");

describe("GET /v1/admin/risk/alerts", () => {
  let merchant: TestMerchant;
  let partner: { id: string; apiKey: string };

  beforeAll(async () => {
    merchant = await createMerchant();
    partner = await createPartner(merchant);
    const voucher = await deliveredVoucher(merchant, { uses: 2 });
    await redeem(partner, voucher.code, { location: "geo:31.23,121.47" });
    await redeem(partner, voucher.code, { location: "geo:22.54,114.06" });
    await eventually(
      () => call("GET", route.path, { token: merchant.adminKey }),
      (res) => res.body?.data?.length === 1,
      10_000,
    );
  });

  it("lists the merchant's redemption alerts, newest first, with what was seen", async () => {
    const res = await call("GET", route.path, { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toEqual({
      data: [
        {
          id: expect.stringMatching(/^ral_/),
          kind: "impossible_travel",
          redemptionId: expect.stringMatching(/^red_/),
          codeId: expect.stringMatching(/^cod_/),
          partnerId: partner.id,
          location: "geo:22.54,114.06",
          detail: expect.objectContaining({ km: expect.any(Number), kmh: expect.any(Number) }),
          createdAt: expect.any(String),
        },
      ],
      nextCursor: null,
    });
    expect((await call("GET", `${route.path}?kind=partner_burst`, { token: merchant.adminKey })).body.data).toEqual([]);
  });

  it("shows another merchant nothing, and every role may read it", async () => {
    const other = await createMerchant();
    expect((await call("GET", route.path, { token: other.adminKey })).body.data).toEqual([]);
    const answers = await byRole(await createTeam(merchant), (headers) => call("GET", route.path, { headers }));
    for (const res of Object.values(answers)) expect(res.body.data).toHaveLength(1);
  });

  it("refuses an unknown kind with 400", async () => {
    await route.expectProblem(
      await call("GET", `${route.path}?kind=fraud`, { token: merchant.adminKey }),
      "validation_failed",
    );
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partner.apiKey,
  });
});
