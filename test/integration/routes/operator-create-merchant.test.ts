import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createMerchant, createPartner, type TestMerchant, unique } from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/operator/merchants");

const newMerchant = (overrides: Record<string, unknown> = {}) => {
  const slug = unique("shop").toLowerCase();
  return {
    slug,
    name: `Shop ${slug}`,
    ownerEmail: `${slug}@example.test`,
    ownerPassword: "a long enough password",
    ...overrides,
  };
};
const create = (json: unknown, token = env.OPERATOR_API_KEY) => call("POST", route.path, { token, json });

describe("POST /v1/operator/merchants", () => {
  let existing: TestMerchant;
  let partnerKey: string;

  beforeAll(async () => {
    existing = await createMerchant();
    partnerKey = (await createPartner(existing)).apiKey;
  });

  it("onboards a merchant whose admin key and owner login work at once", async () => {
    const input = newMerchant({ locale: "en" });
    const res = await create(input);
    expectJson(res, 201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^mer_/),
      slug: input.slug,
      name: input.name,
      adminApiKey: expect.stringMatching(/^tess_admin_/),
    });
    expectJson(await call("GET", "/v1/admin/products", { token: res.body.adminApiKey }), 200);
    const session = await call("POST", "/v1/admin/sessions", {
      json: { email: input.ownerEmail, password: input.ownerPassword },
    });
    expectJson(session, 201);
    expect(session.body.staff).toMatchObject({ merchantId: res.body.id, role: "owner" });
    expectJson(await call("GET", `/v1/shops/${input.slug}/products`), 200);
  });

  it("refuses a taken shop name or owner email with 409 conflict", async () => {
    await route.expectProblem(await create(newMerchant({ slug: existing.slug })), "conflict");
    await route.expectProblem(await create(newMerchant({ ownerEmail: existing.ownerEmail.toUpperCase() })), "conflict");
  });

  it("refuses an invalid slug, email or short password with 400 validation_failed", async () => {
    const res = await create(newMerchant({ slug: "Not A Slug", ownerEmail: "nope", ownerPassword: "short" }));
    await route.expectProblem(res, "validation_failed");
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(["slug", "ownerEmail", "ownerPassword"]),
    );
  });

  it("does not take a merchant's admin key", async () => {
    const input = newMerchant();
    await route.expectProblem(await create(input, existing.adminKey), "unauthorized");
    expect((await call("GET", `/v1/shops/${input.slug}/products`)).status).toBe(404);
  });

  const refused = newMerchant();
  itRefusesBadCredentials(route, {
    audience: "operator",
    send: (authorization) =>
      call("POST", route.path, { json: refused, headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
    observe: async () => (await call("GET", `/v1/shops/${refused.slug}/products`)).status,
  });
});
