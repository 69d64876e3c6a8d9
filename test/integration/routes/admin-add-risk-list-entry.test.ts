import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  d1Rows,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { newDevice } from "../risk-kit";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/risk/lists");
const entries = (merchantId: string) =>
  d1Rows<{ n: number }>("SELECT count(*) AS n FROM risk_list_entries WHERE merchant_id = ?", merchantId).then(
    (rows) => rows[0]?.n,
  );

describe("POST /v1/admin/risk/lists", () => {
  let merchant: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    team = await createTeam(merchant);
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it.each([
    ["email", " Ann.Lee+promo@Gmail.com ", "annlee@gmail.com"],
    ["ip_range", "192.0.2.77/24", "192.0.2.0/24"],
    ["ip_range", "2001:db8::/32", "2001:db8:0:0:0:0:0:0/32"],
    ["ip_range", "198.51.100.9", "198.51.100.9/32"],
    ["payment_fingerprint", "fp_0123456789abcdef01234567", "fp_0123456789abcdef01234567"],
    ["recipient_account", "138 0013-8000", "13800138000"],
  ])("adds a %s entry stored normalized (%s → %s), audited", async (kind, value, stored) => {
    const res = await call("POST", route.path, { token: merchant.adminKey, json: { kind, list: "block", value } });
    expectJson(res, 201);
    expect(res.body).toMatchObject({ id: expect.stringMatching(/^rle_/), kind, list: "block", value: stored });
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "risk.list_entry_added",
      target: res.body.id,
      detail: { kind, list: "block", value: stored },
    });
  });

  it("refuses the same value on the same list with 409, storing and auditing nothing more", async () => {
    const device = newDevice();
    expectJson(
      await call("POST", route.path, {
        token: merchant.adminKey,
        json: { kind: "device", list: "allow", value: device },
      }),
      201,
    );
    const before = { rows: await entries(merchant.id), audit: (await auditLog(merchant)).length };
    await route.expectProblem(
      await call("POST", route.path, {
        token: merchant.adminKey,
        json: { kind: "device", list: "allow", value: device },
      }),
      "conflict",
    );
    expect({ rows: await entries(merchant.id), audit: (await auditLog(merchant)).length }).toEqual(before);
  });

  it.each([
    ["ip_range", "10.0.0.0/33"],
    ["ip_range", "not-an-ip"],
    ["email", "nobody"],
    ["device", "two words"],
  ])("refuses %s %s with 400 validation_failed", async (kind, value) => {
    await route.expectProblem(
      await call("POST", route.path, { token: merchant.adminKey, json: { kind, list: "block", value } }),
      "validation_failed",
    );
  });

  it("replays the same Idempotency-Key without a second entry", async () => {
    const key = { "idempotency-key": crypto.randomUUID() };
    const json = { kind: "device", list: "block", value: newDevice() };
    const first = await call("POST", route.path, { token: merchant.adminKey, json, headers: key });
    const again = await call("POST", route.path, { token: merchant.adminKey, json, headers: key });
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const answers = await byRole(team, (headers) =>
      call("POST", route.path, { headers, json: { kind: "device", list: "block", value: newDevice() } }),
    );
    expect(answers.owner.status).toBe(201);
    expect(answers.operator.status).toBe(201);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", route.path, {
        headers: authorization ? { authorization } : {},
        json: { kind: "device", list: "block", value: newDevice() },
      }),
    otherKindKey: () => partnerKey,
    observe: () => entries(merchant.id),
  });
});
