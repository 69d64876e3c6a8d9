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
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("patch", "/v1/admin/products/{productId}");
const path = (id: string) => `/v1/admin/products/${id}`;
const shopIds = async (merchant: TestMerchant) =>
  (await call("GET", `/v1/shops/${merchant.slug}/products`)).body.data.map((p: { id: string }) => p.id);

describe("PATCH /v1/admin/products/{productId}", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let product: { productId: string; skuId: string };
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    product = await createProduct(merchant, "voucher");
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("edits only the fields sent, and audits which", async () => {
    const res = await call("PATCH", path(product.productId), {
      token: merchant.adminKey,
      json: {
        name: "Coffee voucher",
        description: "One medium coffee",
        instructions: "# Show the code\n\nAt the counter.",
        imageUrl: "https://cdn.example.com/coffee.png",
      },
    });
    expectJson(res, 200);
    expect(res.body).toMatchObject({
      id: product.productId,
      name: "Coffee voucher",
      description: "One medium coffee",
      instructions: "# Show the code\n\nAt the counter.",
      imageUrl: "https://cdn.example.com/coffee.png",
      listed: true,
      skus: [{ id: product.skuId }],
    });
    const read = await call("GET", path(product.productId), { token: merchant.adminKey });
    expect(read.body).toEqual(res.body);
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "product.updated",
      target: product.productId,
      detail: { fields: ["name", "description", "instructions", "imageUrl"] },
    });
  });

  it("unlists and lists again: the shop follows", async () => {
    const item = await createProduct(merchant, "voucher");
    expect(await shopIds(merchant)).toContain(item.productId);
    expectJson(await call("PATCH", path(item.productId), { token: merchant.adminKey, json: { listed: false } }), 200);
    expect(await shopIds(merchant)).not.toContain(item.productId);
    expect((await call("GET", `/v1/shops/${merchant.slug}/products/${item.productId}`)).status).toBe(404);
    expectJson(await call("PATCH", path(item.productId), { token: merchant.adminKey, json: { listed: true } }), 200);
    expect(await shopIds(merchant)).toContain(item.productId);
  });

  it("clears texts and the image with null or an empty string", async () => {
    const res = await call("PATCH", path(product.productId), {
      token: merchant.adminKey,
      json: { description: "", instructions: null, imageUrl: null },
    });
    expect(res.body).toMatchObject({ description: null, instructions: null, imageUrl: null });
  });

  it("takes https image URLs only: http, javascript: and data: are 400 validation_failed", async () => {
    for (const imageUrl of ["http://cdn.example.com/a.png", "javascript:alert(1)", "data:image/png;base64,AAAA"]) {
      const res = await call("PATCH", path(product.productId), { token: merchant.adminKey, json: { imageUrl } });
      await route.expectProblem(res, "validation_failed");
      expect(res.body.errors[0].path).toBe("imageUrl");
    }
  });

  it("answers another merchant's product exactly like a missing one, changing nothing", async () => {
    const foreign = await call("PATCH", path(product.productId), { token: other.adminKey, json: { name: "Stolen" } });
    const missing = await call("PATCH", path("prd_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), {
      token: other.adminKey,
      json: { name: "Stolen" },
    });
    await expectForeignLikeMissing(route, foreign, missing);
    expect((await call("GET", path(product.productId), { token: merchant.adminKey })).body.name).not.toBe("Stolen");
  });

  it("is for owners and operators: finance and support may read but get 403 forbidden here", async () => {
    const answers = await byRole(team, (headers, member) =>
      call("PATCH", path(product.productId), { headers, json: { name: `Named by ${member.role}` } }),
    );
    expectJson(answers.owner, 200);
    expectJson(answers.operator, 200);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    expect((await call("GET", path(product.productId), { token: merchant.adminKey })).body.name).toBe(
      "Named by operator",
    );
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("PATCH", path(product.productId), { headers: authorization ? { authorization } : {}, json: { name: "X" } }),
    otherKindKey: () => partnerKey,
    observe: async () => (await call("GET", path(product.productId), { token: merchant.adminKey })).body,
  });
});
