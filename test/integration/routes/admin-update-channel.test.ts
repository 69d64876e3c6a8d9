import { beforeAll, describe, expect, it } from "vitest";
import { asChannel, createChannel, createReseller, shopChannelOf, type TestReseller } from "../channel-kit";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createProduct,
  createTeam,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("patch", "/v1/admin/channels/{channelId}");
const path = (id: string) => `/v1/admin/channels/${id}`;
const nameOf = async (merchant: TestMerchant, id: string) =>
  (await call("GET", path(id), { token: merchant.adminKey })).body.name as string;

describe("PATCH /v1/admin/channels/{channelId}", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let reseller: TestReseller;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    reseller = await createReseller(merchant);
  });

  it("renames a reseller and changes its contact email, audited", async () => {
    const res = await call("PATCH", path(reseller.id), {
      token: merchant.adminKey,
      json: { name: "Agent Wang", contactEmail: "wang@agent.example" },
    });
    expectJson(res, 200);
    expect(res.body).toMatchObject({ id: reseller.id, name: "Agent Wang", contactEmail: "wang@agent.example" });
    expect((await auditLog(merchant)).find((entry) => entry.action === "channel.updated")).toMatchObject({
      target: reseller.id,
      detail: { fields: ["name", "contactEmail"] },
    });
  });

  it("suspends a reseller (its key then answers 403) and a mini-program (it sells nothing: 404, but its buyers keep their orders), and resumes them", async () => {
    const mini = await createChannel(merchant, "mini_program");
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 500);
    const order = (json: unknown) =>
      call("POST", `/v1/shops/${merchant.slug}/orders`, { headers: asChannel(mini), json });
    const json = { email: "mini@example.test", items: [{ skuId: voucher.skuId, quantity: 1 }] };
    const placed = await order(json);
    const catalog = () => call("GET", "/v1/channel/catalog", { token: reseller.apiKey });
    const shopList = () => call("GET", `/v1/shops/${merchant.slug}/products`, { headers: asChannel(mini) });
    expectJson(await catalog(), 200);
    expectJson(await shopList(), 200);
    for (const id of [reseller.id, mini.id]) {
      expectJson(await call("PATCH", path(id), { token: merchant.adminKey, json: { status: "suspended" } }), 200);
    }
    expect((await catalog()).status).toBe(403);
    expect((await shopList()).status).toBe(404);
    expect((await order(json)).status).toBe(404);
    const kept = await call("GET", `/v1/shops/${merchant.slug}/orders/${placed.body.id}`, {
      token: placed.body.accessToken,
      headers: asChannel(mini),
    });
    expectJson(kept, 200);
    for (const id of [reseller.id, mini.id]) {
      expectJson(await call("PATCH", path(id), { token: merchant.adminKey, json: { status: "active" } }), 200);
    }
    expectJson(await catalog(), 200);
    expectJson(await shopList(), 200);
  });

  it("refuses to suspend the shop (409) and a contact email on a consumer channel (400)", async () => {
    const shop = await shopChannelOf(merchant);
    await route.expectProblem(
      await call("PATCH", path(shop.id), { token: merchant.adminKey, json: { status: "suspended" } }),
      "conflict",
    );
    const app = await createChannel(merchant, "app");
    await route.expectProblem(
      await call("PATCH", path(app.id), { token: merchant.adminKey, json: { contactEmail: "a@example.test" } }),
      "validation_failed",
    );
    await route.expectProblem(
      await call("PATCH", path(app.id), { token: merchant.adminKey, json: { status: "closed" } }),
      "validation_failed",
    );
  });

  it("answers another merchant's channel exactly like a missing one, and changes nothing", async () => {
    const before = await nameOf(merchant, reseller.id);
    const foreign = await call("PATCH", path(reseller.id), { token: other.adminKey, json: { name: "Taken over" } });
    const missing = await call("PATCH", path("chn_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), {
      token: other.adminKey,
      json: { name: "Taken over" },
    });
    await expectForeignLikeMissing(route, foreign, missing);
    expect(await nameOf(merchant, reseller.id)).toBe(before);
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const answers = await byRole(team, (headers, member) =>
      call("PATCH", path(reseller.id), { headers, json: { name: `Renamed by ${member.role}` } }),
    );
    expectJson(answers.owner, 200);
    expectJson(answers.operator, 200);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    expect(await nameOf(merchant, reseller.id)).toBe("Renamed by operator");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("PATCH", path(reseller.id), { headers: authorization ? { authorization } : {}, json: { name: "Nope" } }),
    otherKindKey: () => reseller.apiKey,
    observe: () => nameOf(merchant, reseller.id),
  });
});
