import { beforeAll, describe, expect, it } from "vitest";
import {
  asStaff,
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  deliveredForm,
  deliveredVoucher,
  type Role,
  type TestMerchant,
  type TestStaff,
  verify,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/desk/deactivations");
const activate = (partner: { apiKey: string }, code: string, deviceId: string) =>
  call("POST", "/v1/partner/activations", { token: partner.apiKey, json: { code, deviceId } });

describe("POST /v1/admin/desk/deactivations", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partner: { apiKey: string };
  /** A licence whose one seat the refused calls aim at: it must stay taken. */
  let guarded: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partner = await createPartner(merchant);
    guarded = (await deliveredForm(merchant, { form: "seats", seats: 1 })).code;
    expectJson(await activate(partner, guarded, "kept"), 201);
  });

  it("frees the seat a lost device held, audited once, so the customer's new device can take it", async () => {
    const { code } = await deliveredForm(merchant, { form: "seats", seats: 1 });
    expectJson(await activate(partner, code, "lost-phone"), 201);
    const res = await call("POST", route.path, {
      headers: asStaff(team.support),
      json: { code, deviceId: "lost-phone" },
    });
    expectJson(res, 200);
    expect(res.body).toEqual({
      deviceId: "lost-phone",
      deactivatedAt: expect.any(String),
      seats: { total: 1, used: 0 },
    });
    const again = await call("POST", route.path, {
      headers: asStaff(team.support),
      json: { code, deviceId: "lost-phone" },
    });
    expect(again.body).toEqual(res.body);
    const entries = (await auditLog(merchant)).filter((entry) => entry.action === "licence.deactivated");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ detail: { deviceId: "lost-phone" }, target: expect.stringMatching(/^cod_/) });
    expect(JSON.stringify(entries)).not.toContain(code);
    expectJson(await activate(partner, code, "new-phone"), 201);
  });

  it("answers a device without a seat with 404 not_found, and a voucher with 409 code_form_mismatch", async () => {
    await route.expectProblem(
      await call("POST", route.path, { token: merchant.adminKey, json: { code: guarded, deviceId: "stranger" } }),
      "not_found",
    );
    const voucher = await deliveredVoucher(merchant);
    await route.expectProblem(
      await call("POST", route.path, { token: merchant.adminKey, json: { code: voucher.code, deviceId: "d" } }),
      "code_form_mismatch",
    );
    expect((await verify(partner, guarded)).body.seats.used).toBe(1);
  });

  it("answers another merchant's licence exactly like an unknown code, and frees nothing", async () => {
    const foreign = await call("POST", route.path, {
      token: other.adminKey,
      json: { code: guarded, deviceId: "kept" },
    });
    const missing = await call("POST", route.path, {
      token: other.adminKey,
      json: { code: "7K3M-Q9XD-4TPA-WN2B-ER5C", deviceId: "kept" },
    });
    await expectForeignLikeMissing(route, foreign, missing, "code_not_found");
    expect((await verify(partner, guarded)).body.seats.used).toBe(1);
  });

  it("is for the roles that work the desk: finance gets 403 forbidden and frees nothing", async () => {
    const answers = await byRole(team, (headers) =>
      call("POST", route.path, { headers, json: { code: guarded, deviceId: "not-there" } }),
    );
    for (const role of ["owner", "operator", "support"] as const) await route.expectProblem(answers[role], "not_found");
    await route.expectProblem(answers.finance, "forbidden");
    expect((await verify(partner, guarded)).body.seats.used).toBe(1);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", route.path, {
        headers: authorization ? { authorization } : {},
        json: { code: guarded, deviceId: "kept" },
      }),
    observe: async () => (await verify(partner, guarded)).body.seats,
    otherKindKey: () => partner.apiKey,
  });
});
