import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createProduct,
  createTeam,
  signIn,
  type TestMerchant,
} from "../factories";
import { cookieHeader, expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/skus/{skuId}/stock");
const path = (skuId: string) => `/v1/admin/skus/${skuId}/stock`;
const MISSING_SKU = "sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6";

const levels = async (merchant: TestMerchant, skuId: string) =>
  (await call("GET", path(skuId), { token: merchant.adminKey })).body;

const csv = (merchant: TestMerchant, skuId: string, text: string, headers: Record<string, string> = {}) =>
  call("POST", path(skuId), {
    token: merchant.adminKey,
    body: text,
    headers: { "content-type": "text/csv", ...headers },
  });

// A header row, a quoted field holding a comma, an escaped quote, a duplicate, and a line without a code.
const FILE = [
  "code,secret",
  '"CARD,0001",PIN-1',
  'CARD-0002,"PIN ""2"""',
  "CARD-0002,PIN-3",
  ",PIN-4",
  "CARD-0003,",
].join("\r\n");

describe("POST /v1/admin/skus/{skuId}/stock", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let skuId: string;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    skuId = (await createProduct(merchant, "card_secret")).skuId;
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("imports CSV with a header row and quoted fields, counting duplicates and rejecting a line without a code by its line in the file", async () => {
    const res = await csv(merchant, skuId, FILE);
    expectJson(res, 200);
    expect(res.body).toEqual({
      imported: 3,
      duplicates: 1,
      rejected: 1,
      errors: [{ line: 5, message: "code is empty" }],
    });
    expect(await levels(merchant, skuId)).toEqual({ skuId, available: 3, reserved: 0, sold: 0 });
  });

  it("counts every line of the same file as a duplicate the second time, and stores nothing twice", async () => {
    const res = await csv(merchant, skuId, FILE);
    expectJson(res, 200);
    expect(res.body).toEqual({
      imported: 0,
      duplicates: 4,
      rejected: 1,
      errors: [{ line: 5, message: "code is empty" }],
    });
    expect((await levels(merchant, skuId)).available).toBe(3);
  });

  it("reads CSV without a header row, and a UTF-8 byte order mark", async () => {
    const { skuId: fresh } = await createProduct(merchant, "card_secret");
    const res = await csv(merchant, fresh, "\uFEFFA-1,S1\nA-2,S2\n\nA-3\n", {
      "content-type": "text/csv; charset=utf-8",
    });
    expectJson(res, 200);
    expect(res.body).toEqual({ imported: 3, duplicates: 0, rejected: 0, errors: [] });
  });

  it("imports JSON items, treating a code that differs only by whitespace as the same unit", async () => {
    const { skuId: fresh } = await createProduct(merchant, "card_secret");
    const res = await call("POST", path(fresh), {
      token: merchant.adminKey,
      json: { items: [{ code: "J-1", secret: "s" }, { code: "J-2" }, { code: " J- 1 " }, { code: "   " }] },
    });
    expectJson(res, 200);
    expect(res.body).toEqual({
      imported: 2,
      duplicates: 1,
      rejected: 1,
      errors: [{ line: 4, message: "code is empty" }],
    });
  });

  it("refuses a content type it cannot read with 415 unsupported_media_type", async () => {
    const res = await call("POST", path(skuId), {
      token: merchant.adminKey,
      body: "CARD-9,PIN",
      headers: { "content-type": "text/plain" },
    });
    await route.expectProblem(res, "unsupported_media_type");
    expect((await levels(merchant, skuId)).available).toBe(3);
  });

  it("refuses an empty CSV and an empty JSON list with 400 validation_failed", async () => {
    const empty = await csv(merchant, skuId, "code,secret\n");
    await route.expectProblem(empty, "validation_failed");
    expect(empty.body.errors).toEqual([{ path: "(body)", message: "empty" }]);
    const none = await call("POST", path(skuId), { token: merchant.adminKey, json: { items: [] } });
    await route.expectProblem(none, "validation_failed");
    expect(none.body.errors).toContainEqual({ path: "items", message: expect.any(String) });
  });

  it("refuses stock for a voucher SKU, whose codes are minted, with 409 conflict", async () => {
    const { skuId: voucher } = await createProduct(merchant, "voucher");
    const res = await call("POST", path(voucher), { token: merchant.adminKey, json: { items: [{ code: "V-1" }] } });
    await route.expectProblem(res, "conflict");
  });

  it("replays the same Idempotency-Key and body, and refuses the key with another body (422)", async () => {
    const { skuId: fresh } = await createProduct(merchant, "card_secret");
    const headers = { "idempotency-key": crypto.randomUUID() };
    const first = await csv(merchant, fresh, "K-1\nK-2\n", headers);
    expectJson(first, 200);
    const again = await csv(merchant, fresh, "K-1\nK-2\n", headers);
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual({ imported: 2, duplicates: 0, rejected: 0, errors: [] });
    const reused = await csv(merchant, fresh, "K-3\n", headers);
    await route.expectProblem(reused, "idempotency_key_reused");
    expect((await levels(merchant, fresh)).available).toBe(2);
  });

  it("takes a staff session's upload only with the CSRF token", async () => {
    const session = await signIn(merchant);
    const { skuId: fresh } = await createProduct(merchant, "card_secret");
    const send = (withCsrf: boolean) =>
      call("POST", path(fresh), {
        body: "C-1\n",
        headers: { "content-type": "text/csv", ...cookieHeader(session, withCsrf) },
      });
    await route.expectProblem(await send(false), "csrf_failed");
    expect((await levels(merchant, fresh)).available).toBe(0);
    expectJson(await send(true), 200);
    expect((await levels(merchant, fresh)).available).toBe(1);
  });

  it("answers another merchant's SKU exactly like a missing one, and adds nothing to it", async () => {
    const before = await levels(merchant, skuId);
    const foreign = await csv(other, skuId, "INTRUDER-1,X\n");
    const missing = await csv(other, MISSING_SKU, "INTRUDER-1,X\n");
    await expectForeignLikeMissing(route, foreign, missing);
    expect(await levels(merchant, skuId)).toEqual(before);
  });

  it("is for owners and operators: finance and support get 403 forbidden and import nothing; imports are audited", async () => {
    const { skuId } = await createProduct(merchant, "card_secret");
    const team = await createTeam(merchant);
    const answers = await byRole(team, (headers, member) =>
      call("POST", path(skuId), { headers, json: { items: [{ code: `ROLE-${member.role}` }] } }),
    );
    expectJson(answers.owner, 200);
    expectJson(answers.operator, 200);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    expect((await levels(merchant, skuId)).available).toBe(2);
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "stock.imported",
      target: skuId,
      actor: `staff:${team.operator.id}`,
      detail: { imported: 1, duplicates: 0, rejected: 0 },
    });
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", path(skuId), {
        body: "NOPE-1\n",
        headers: { "content-type": "text/csv", ...(authorization ? { authorization } : {}) },
      }),
    otherKindKey: () => partnerKey,
    observe: () => levels(merchant, skuId),
  });
});
