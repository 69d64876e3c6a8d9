import { beforeAll, describe, expect, it } from "vitest";
import {
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  deliveredVoucher,
  type Role,
  redeem,
  type TestMerchant,
  type TestStaff,
  verify,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/desk/verifications");

describe("POST /v1/admin/desk/verifications", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partner: { apiKey: string };
  let code: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partner = await createPartner(merchant);
    code = (await deliveredVoucher(merchant, { uses: 3, validDays: 30 })).code;
  });

  it("answers exactly like the partner's verification, using nothing", async () => {
    const res = await call("POST", route.path, { token: merchant.adminKey, json: { code } });
    expectJson(res, 200);
    expect(res.body).toEqual((await verify(partner, code)).body);
    expect(res.body).toMatchObject({
      valid: true,
      status: "active",
      remainingUses: 3,
      productName: expect.any(String),
    });
    // Typed loosely, as at a counter: lower case, spaces instead of dashes.
    const typed = await call("POST", route.path, {
      token: merchant.adminKey,
      json: { code: code.toLowerCase().replaceAll("-", " ") },
    });
    expect(typed.body.remainingUses).toBe(3);
  });

  it("shows a used-up code as redeemed, not valid", async () => {
    const single = await deliveredVoucher(merchant);
    await redeem(partner, single.code);
    const res = await call("POST", route.path, { token: merchant.adminKey, json: { code: single.code } });
    expect(res.body).toMatchObject({ valid: false, status: "redeemed", remainingUses: 0 });
  });

  it("answers an unknown code, a malformed one, and another merchant's code alike: 404 code_not_found", async () => {
    const foreign = await call("POST", route.path, { token: other.adminKey, json: { code } });
    const missing = await call("POST", route.path, {
      token: other.adminKey,
      json: { code: "7K3M-Q9XD-4TPA-WN2B-ER5C" },
    });
    await expectForeignLikeMissing(route, foreign, missing, "code_not_found");
    await route.expectProblem(
      await call("POST", route.path, { token: merchant.adminKey, json: { code: "!!!" } }),
      "code_not_found",
    );
  });

  it("is for the roles that work the desk: finance gets 403 forbidden", async () => {
    const answers = await byRole(team, (headers) => call("POST", route.path, { headers, json: { code } }));
    for (const role of ["owner", "operator", "support"] as const) expectJson(answers[role], 200);
    await route.expectProblem(answers.finance, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", route.path, { headers: authorization ? { authorization } : {}, json: { code } }),
    otherKindKey: () => partner.apiKey,
  });
});
