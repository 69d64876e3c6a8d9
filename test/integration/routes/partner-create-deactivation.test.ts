import { beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createMerchant,
  createPartner,
  deliveredForm,
  deliveredVoucher,
  type TestMerchant,
  verify,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/partner/deactivations");
const UNKNOWN_CODE = "0000-0000-0000-0000-0000";

const deactivate = (key: string, json: unknown) => call("POST", route.path, { token: key, json });
const activate = (key: string, json: unknown) => call("POST", "/v1/partner/activations", { token: key, json });

describe("POST /v1/partner/deactivations", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let partner: { apiKey: string };
  let otherPartner: { apiKey: string };
  let licence: Awaited<ReturnType<typeof deliveredForm>>;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    partner = await createPartner(merchant);
    otherPartner = await createPartner(other);
    licence = await deliveredForm(merchant, { form: "seats", seats: 1 });
    expectJson(await activate(partner.apiKey, { code: licence.code, deviceId: "kept" }), 201);
  });

  it("frees a device's seat for another device; a retry answers the same deactivation", async () => {
    const { code } = await deliveredForm(merchant, { form: "seats", seats: 1 });
    expectJson(await activate(partner.apiKey, { code, deviceId: "old-phone" }), 201);
    await routeUnderTest("post", "/v1/partner/activations").expectProblem(
      await activate(partner.apiKey, { code, deviceId: "new-phone" }),
      "seats_full",
    );
    const res = await deactivate(partner.apiKey, { code, deviceId: "old-phone" });
    expectJson(res, 200);
    expect(res.body).toEqual({
      deviceId: "old-phone",
      deactivatedAt: expect.any(String),
      seats: { total: 1, used: 0 },
    });
    expect((await deactivate(partner.apiKey, { code, deviceId: "old-phone" })).body).toEqual(res.body);
    expect((await verify(partner, code)).body.seats).toMatchObject({ used: 0, devices: [] });
    expectJson(await activate(partner.apiKey, { code, deviceId: "new-phone" }), 201);
    // Reactivated later, the old device takes a seat anew (here: none is left).
    const back = await activate(partner.apiKey, { code, deviceId: "old-phone" });
    await routeUnderTest("post", "/v1/partner/activations").expectProblem(back, "seats_full");
  });

  it("answers a device that never held a seat with 404 not_found, and frees nothing", async () => {
    await route.expectProblem(
      await deactivate(partner.apiKey, { code: licence.code, deviceId: "stranger" }),
      "not_found",
    );
    expect((await verify(partner, licence.code)).body.seats).toMatchObject({ used: 1 });
  });

  it("refuses a code that is not a licence with 409 code_form_mismatch", async () => {
    const { code } = await deliveredVoucher(merchant);
    await route.expectProblem(await deactivate(partner.apiKey, { code, deviceId: "d" }), "code_form_mismatch");
  });

  it("answers another merchant's partner exactly like an unknown code, and frees nothing", async () => {
    const foreign = await deactivate(otherPartner.apiKey, { code: licence.code, deviceId: "kept" });
    const missing = await deactivate(otherPartner.apiKey, { code: UNKNOWN_CODE, deviceId: "kept" });
    await expectForeignLikeMissing(route, foreign, missing, "code_not_found");
    expect((await verify(partner, licence.code)).body.seats).toMatchObject({ used: 1 });
  });

  it("refuses a missing device id with 400 validation_failed", async () => {
    await route.expectProblem(await deactivate(partner.apiKey, { code: licence.code }), "validation_failed");
  });

  itRefusesBadCredentials(route, {
    audience: "partner",
    send: (authorization) =>
      call("POST", route.path, {
        json: { code: licence.code, deviceId: "kept" },
        headers: authorization ? { authorization } : {},
      }),
    observe: async () => (await verify(partner, licence.code)).body.seats,
    otherKindKey: () => merchant.adminKey,
  });
});
