import { beforeAll, describe, expect, it } from "vitest";
import { createChannel, createReseller } from "../channel-kit";
import { byRole, call, createMerchant, createTeam, type Role, type TestMerchant, type TestStaff } from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/channels");

describe("GET /v1/admin/channels", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
  });

  it("lists the shop first (every merchant has it from the start), then the channels added, oldest first", async () => {
    const fresh = await call("GET", "/v1/admin/channels", { token: merchant.adminKey });
    expectJson(fresh, 200);
    expect(fresh.body.data).toEqual([
      expect.objectContaining({ kind: "shop", status: "active", publishableKey: null, balance: null }),
    ]);
    const app = await createChannel(merchant, "app");
    const reseller = await createReseller(merchant, 500);
    const listed = (await call("GET", "/v1/admin/channels", { token: merchant.adminKey })).body.data;
    expect(listed.map((channel: { id: string }) => channel.id)).toEqual([fresh.body.data[0].id, app.id, reseller.id]);
    expect(listed[2].balance).toEqual({ amount: 500, currency: "CNY" });
    expect(JSON.stringify(listed)).not.toContain(reseller.apiKey);
  });

  it("shows each merchant only its own channels", async () => {
    const mine = await createChannel(merchant, "mini_program");
    const theirs = (await call("GET", "/v1/admin/channels", { token: other.adminKey })).body.data;
    expect(theirs).toHaveLength(1);
    expect(JSON.stringify(theirs)).not.toContain(mine.id);
  });

  it("is readable by every role", async () => {
    const answers = await byRole(team, (headers) => call("GET", "/v1/admin/channels", { headers }));
    for (const res of Object.values(answers)) expectJson(res, 200);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", "/v1/admin/channels", { headers: authorization ? { authorization } : {} }),
  });
});
