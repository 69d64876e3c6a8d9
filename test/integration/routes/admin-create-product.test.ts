import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  signIn,
  type TestMerchant,
  unique,
} from "../factories";
import { cookieHeader, expectJson, itRefusesBadCredentials, OVERSIZED, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/products");

const product = (overrides: Record<string, unknown> = {}) => ({
  name: unique("Coffee voucher"),
  kind: "voucher",
  description: "One medium coffee",
  instructions: "Show the code at the counter",
  skus: [{ name: "Single", price: { amount: 2500, currency: "CNY" }, policy: { uses: 3, validDays: 90 } }],
  ...overrides,
});

const listNames = async (merchant: TestMerchant) =>
  (await call("GET", "/v1/admin/products?limit=100", { token: merchant.adminKey })).body.data.map(
    (p: { name: string }) => p.name,
  );

describe("POST /v1/admin/products", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("creates a voucher product with its SKUs and their policy", async () => {
    const input = product();
    const res = await call("POST", route.path, { token: merchant.adminKey, json: input });
    expectJson(res, 201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^prd_/),
      name: input.name,
      kind: "voucher",
      description: "One medium coffee",
      instructions: "Show the code at the counter",
      imageUrl: null,
      listed: true,
      createdAt: expect.any(String),
      skus: [
        {
          id: expect.stringMatching(/^sku_/),
          name: "Single",
          price: { amount: 2500, currency: "CNY" },
          policy: { uses: 3, validDays: 90, terms: null },
          available: null,
          lowStockThreshold: null,
          renewal: null,
        },
      ],
    });
    expect(await listNames(merchant)).toContain(input.name);
  });

  it("gives a card-secret SKU without a policy the default single use, no expiry, and no stock yet", async () => {
    const res = await call("POST", route.path, {
      token: merchant.adminKey,
      json: {
        name: unique("Video card"),
        kind: "card_secret",
        skus: [{ name: "Monthly", price: { amount: 1990, currency: "CNY" } }],
      },
    });
    expectJson(res, 201);
    expect(res.body).toMatchObject({ description: null, instructions: null });
    expect(res.body.skus[0]).toMatchObject({ policy: { uses: 1, validDays: null }, available: 0 });
  });

  describe("product forms", () => {
    const formProduct = (kind: string, terms: unknown, policy: Record<string, unknown> = {}) =>
      product({
        kind,
        skus: [{ name: "Standard", price: { amount: 9000, currency: "CNY" }, policy: { ...policy, terms } }],
      });
    const shanghaiEvenings = {
      form: "time",
      durationSeconds: 30 * 86_400,
      start: "activation",
      weekdays: [6, 7],
      hours: { from: "18:00", to: "02:00" },
      timeZone: "Asia/Shanghai",
    };

    it.each([
      ["stored_value", { form: "balance", balance: 10_000 }],
      ["time_card", shanghaiEvenings],
      ["licence", { form: "seats", seats: 3 }],
      ["voucher", { form: "uses", minIntervalSeconds: 3_600 }],
    ])("creates a %s SKU with its terms and shows them back", async (kind, terms) => {
      const res = await call("POST", "/v1/admin/products", {
        token: merchant.adminKey,
        json: formProduct(kind, terms),
      });
      expectJson(res, 201);
      expect(res.body.skus[0]).toMatchObject({ policy: { uses: 1, validDays: null, terms }, available: null });
      const read = await call("GET", `/v1/admin/products/${res.body.id}`, { token: merchant.adminKey });
      expect(read.body.skus[0].policy.terms).toEqual(terms);
    });

    it.each([
      ["stored_value", null, "skus.0.policy.terms"],
      ["licence", { form: "balance", balance: 100 }, "skus.0.policy.terms.form"],
      ["card_secret", { form: "seats", seats: 2 }, "skus.0.policy.terms.form"],
      ["time_card", { ...shanghaiEvenings, hours: { from: "09:00", to: "09:00" } }, "skus.0.policy.terms.hours"],
    ])("refuses a %s SKU with terms that do not fit (%j) with 400 invalid_policy at %s", async (kind, terms, at) => {
      const before = await listNames(merchant);
      const body = formProduct(kind, terms);
      const res = await call("POST", "/v1/admin/products", { token: merchant.adminKey, json: body });
      await route.expectProblem(res, "invalid_policy");
      expect(res.body.errors).toEqual([{ path: at, message: expect.any(String) }]);
      expect(await listNames(merchant)).toEqual(before);
    });

    it("refuses more than one use on a stored-value SKU with 400 invalid_policy", async () => {
      const res = await call("POST", "/v1/admin/products", {
        token: merchant.adminKey,
        json: formProduct("stored_value", { form: "balance", balance: 500 }, { uses: 3 }),
      });
      await route.expectProblem(res, "invalid_policy");
      expect(res.body.errors[0].path).toBe("skus.0.policy.uses");
    });

    it.each([
      [{ form: "balance", balance: 0 }],
      [{ form: "seats", seats: 0 }],
      [{ ...shanghaiEvenings, timeZone: "Mars/Olympus" }],
      [{ ...shanghaiEvenings, weekdays: [0] }],
      [{ ...shanghaiEvenings, hours: { from: "24:00", to: "02:00" } }],
      [{ form: "days", days: 3 }],
    ])("refuses out-of-range terms %j with 400 validation_failed", async (terms) => {
      const res = await call("POST", "/v1/admin/products", {
        token: merchant.adminKey,
        json: formProduct("time_card", terms),
      });
      await route.expectProblem(res, "validation_failed");
    });
  });

  it("refuses invalid fields with 400 validation_failed and lists each one", async () => {
    const res = await call("POST", route.path, {
      token: merchant.adminKey,
      json: { name: "  ", kind: "gift", skus: [{ name: "x", price: { amount: -1, currency: "XXX" } }] },
    });
    await route.expectProblem(res, "validation_failed");
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "kind", "skus.0.price.amount", "skus.0.price.currency"]));
    for (const error of res.body.errors)
      expect(error).toEqual({ path: expect.any(String), message: expect.any(String) });
  });

  it("refuses a product without SKUs", async () => {
    const res = await call("POST", route.path, { token: merchant.adminKey, json: product({ skus: [] }) });
    await route.expectProblem(res, "validation_failed");
    expect(res.body.errors).toContainEqual({ path: "skus", message: expect.any(String) });
  });

  it("answers a malformed JSON body with 400 invalid_request", async () => {
    const res = await call("POST", route.path, {
      token: merchant.adminKey,
      body: '{"name": "unterminated',
      headers: { "content-type": "application/json" },
    });
    await route.expectProblem(res, "invalid_request");
  });

  it("answers a body that is not JSON with 415 unsupported_media_type", async () => {
    const res = await call("POST", route.path, {
      token: merchant.adminKey,
      body: JSON.stringify(product()),
      headers: { "content-type": "text/plain" },
    });
    await route.expectProblem(res, "unsupported_media_type");
  });

  it("answers a body over 1 MiB with 413 payload_too_large and creates nothing", async () => {
    const before = await listNames(merchant);
    const res = await call("POST", route.path, { token: merchant.adminKey, json: product({ description: OVERSIZED }) });
    await route.expectProblem(res, "payload_too_large");
    expect(await listNames(merchant)).toEqual(before);
  });

  it("replays the same Idempotency-Key and body, and refuses the key with another body (422)", async () => {
    const key = crypto.randomUUID();
    const input = product();
    const first = await call("POST", route.path, {
      token: merchant.adminKey,
      json: input,
      headers: { "idempotency-key": key },
    });
    expectJson(first, 201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await call("POST", route.path, {
      token: merchant.adminKey,
      json: input,
      headers: { "idempotency-key": key },
    });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect((await listNames(merchant)).filter((name: string) => name === input.name)).toHaveLength(1);

    const other = await call("POST", route.path, {
      token: merchant.adminKey,
      json: product({ name: "something else" }),
      headers: { "idempotency-key": key },
    });
    await route.expectProblem(other, "idempotency_key_reused");
    expect(await listNames(merchant)).not.toContain("something else");
  });

  it("refuses an Idempotency-Key that is not visible ASCII with 400 validation_failed", async () => {
    const res = await call("POST", route.path, {
      token: merchant.adminKey,
      json: product(),
      headers: { "idempotency-key": "a".repeat(256) },
    });
    await route.expectProblem(res, "validation_failed");
  });

  it("accepts a staff session cookie only with its CSRF token", async () => {
    const session = await signIn(merchant);
    const withoutToken = await call("POST", route.path, { json: product(), headers: cookieHeader(session, false) });
    await route.expectProblem(withoutToken, "csrf_failed");
    const wrongToken = await call("POST", route.path, {
      json: product(),
      headers: { ...cookieHeader(session, false), "x-csrf-token": "not-the-token" },
    });
    await route.expectProblem(wrongToken, "csrf_failed");
    const withToken = await call("POST", route.path, { json: product(), headers: cookieHeader(session) });
    expectJson(withToken, 201);
  });

  it("files a product made with another merchant's key under that merchant, never this one", async () => {
    const before = await listNames(merchant);
    const input = product();
    const res = await call("POST", route.path, { token: other.adminKey, json: input });
    expectJson(res, 201);
    expect(await listNames(merchant)).toEqual(before);
    expect(await listNames(other)).toContain(input.name);
  });

  it("takes an https image and the listing at creation, and audits the creation", async () => {
    const res = await call("POST", route.path, {
      token: merchant.adminKey,
      json: { ...product(), imageUrl: "https://cdn.example.com/p.png", listed: false },
    });
    expectJson(res, 201);
    expect(res.body).toMatchObject({ imageUrl: "https://cdn.example.com/p.png", listed: false });
    expect((await auditLog(merchant))[0]).toMatchObject({ action: "product.created", target: res.body.id });
  });

  it("is for owners and operators: finance and support get 403 forbidden and create nothing", async () => {
    const team = await createTeam(merchant);
    const answers = await byRole(team, (headers) => call("POST", route.path, { headers, json: product() }));
    expectJson(answers.owner, 201);
    expectJson(answers.operator, 201);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", route.path, { json: product(), headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
    observe: () => listNames(merchant),
  });
});
