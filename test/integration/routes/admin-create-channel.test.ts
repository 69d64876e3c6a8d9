import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createTeam,
  type Role,
  type TestMerchant,
  type TestStaff,
  unique,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/channels");
const channelCount = async (merchant: TestMerchant) =>
  (await call("GET", "/v1/admin/channels", { token: merchant.adminKey })).body.data.length as number;

describe("POST /v1/admin/channels", () => {
  let merchant: TestMerchant;
  let team: Record<Role, TestStaff>;

  beforeAll(async () => {
    merchant = await createMerchant();
    team = await createTeam(merchant);
  });

  it("adds a mini-program with its publishable key, and a reseller with a zero balance in its currency", async () => {
    const mini = await call("POST", "/v1/admin/channels", {
      token: merchant.adminKey,
      json: { kind: "mini_program", name: "WeChat mini-program" },
    });
    expectJson(mini, 201);
    expect(mini.body).toEqual({
      id: expect.stringMatching(/^chn_/),
      kind: "mini_program",
      name: "WeChat mini-program",
      status: "active",
      publishableKey: expect.stringMatching(/^tess_pk_[A-Za-z0-9_-]{32}$/),
      contactEmail: null,
      balance: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const reseller = await call("POST", "/v1/admin/channels", {
      token: merchant.adminKey,
      json: { kind: "reseller", name: "Agent Li", contactEmail: "li@agent.example", currency: "USD" },
    });
    expectJson(reseller, 201);
    expect(reseller.body).toMatchObject({
      kind: "reseller",
      publishableKey: null,
      contactEmail: "li@agent.example",
      balance: { amount: 0, currency: "USD" },
    });
    const listed = (await call("GET", "/v1/admin/channels", { token: merchant.adminKey })).body.data;
    expect(listed.map((channel: { kind: string }) => channel.kind)).toEqual(["shop", "mini_program", "reseller"]);
    expect((await auditLog(merchant)).find((entry) => entry.target === reseller.body.id)).toMatchObject({
      action: "channel.created",
      detail: { kind: "reseller", name: "Agent Li" },
    });
  });

  it("replays the same Idempotency-Key instead of adding a second channel; another body is 422", async () => {
    const before = await channelCount(merchant);
    const headers = { "idempotency-key": unique("channel") };
    const json = { kind: "app", name: "iOS app" };
    const first = await call("POST", "/v1/admin/channels", { token: merchant.adminKey, json, headers });
    const again = await call("POST", "/v1/admin/channels", { token: merchant.adminKey, json, headers });
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const other = await call("POST", "/v1/admin/channels", {
      token: merchant.adminKey,
      json: { ...json, name: "Android app" },
      headers,
    });
    await route.expectProblem(other, "idempotency_key_reused");
    expect(await channelCount(merchant)).toBe(before + 1);
  });

  it("refuses a second shop, a reseller without a contact email and a mini-program with a currency (400)", async () => {
    const before = await channelCount(merchant);
    for (const json of [
      { kind: "shop", name: "Another shop" },
      { kind: "reseller", name: "No email" },
      { kind: "mini_program", name: "With currency", currency: "CNY" },
      { kind: "reseller", name: "Bad email", contactEmail: "not an email" },
    ]) {
      const res = await call("POST", "/v1/admin/channels", { token: merchant.adminKey, json });
      await route.expectProblem(res, "validation_failed");
    }
    expect(await channelCount(merchant)).toBe(before);
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const before = await channelCount(merchant);
    const answers = await byRole(team, (headers, member) =>
      call("POST", "/v1/admin/channels", { headers, json: { kind: "app", name: `App of ${member.role}` } }),
    );
    expectJson(answers.owner, 201);
    expectJson(answers.operator, 201);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    expect(await channelCount(merchant)).toBe(before + 2);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", "/v1/admin/channels", {
        headers: authorization ? { authorization } : {},
        json: { kind: "app", name: "Refused" },
      }),
    observe: () => channelCount(merchant),
  });
});
