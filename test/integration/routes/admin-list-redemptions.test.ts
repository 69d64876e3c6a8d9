import { beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createMerchant,
  createPartner,
  deliveredForm,
  deliveredVoucher,
  eventually,
  listAll,
  type TestMerchant,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/redemptions");
/** The read model follows the ledger through the events queue; a flush the ledger's alarm retries lands 5 s later. */
const READ_MODEL_MS = 15_000;

describe("GET /v1/admin/redemptions", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let partner: { id: string; apiKey: string };
  let voucher: Awaited<ReturnType<typeof deliveredVoucher>>;
  const redemptionIds: string[] = [];

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    partner = await createPartner(merchant);
    voucher = await deliveredVoucher(merchant, { uses: 3 });
    for (const location of ["store-1", "store-2"]) {
      const res = await call("POST", "/v1/partner/redemptions", {
        token: partner.apiKey,
        json: { code: voucher.code, location },
      });
      expect(res.status).toBe(201);
      redemptionIds.push(res.body.id);
    }
    expect(
      (await call("POST", `/v1/partner/redemptions/${redemptionIds[0]}/reversal`, { token: partner.apiKey })).status,
    ).toBe(200);
  });

  const list = (query = "", token = merchant.adminKey) => call("GET", `${route.path}${query}`, { token });

  it("lists the merchant's redemptions newest first, once the read model has caught up", async () => {
    const res = await eventually(
      () => list(),
      (r) => r.body?.data?.length === 2 && r.body.data.some((d: { status: string }) => d.status === "reversed"),
      READ_MODEL_MS,
    );
    expectJson(res, 200);
    expect(res.body).toEqual({
      nextCursor: null,
      data: [
        {
          id: redemptionIds[1],
          codeId: expect.stringMatching(/^cod_/),
          skuId: voucher.skuId,
          orderId: voucher.orderId,
          partnerId: partner.id,
          staffId: null,
          status: "completed",
          location: "store-2",
          amount: null,
          createdAt: expect.any(String),
          reversedAt: null,
        },
        expect.objectContaining({
          id: redemptionIds[0],
          status: "reversed",
          location: "store-1",
          reversedAt: expect.any(String),
        }),
      ],
    });
    expect(JSON.stringify(res.body)).not.toContain(voucher.code);
  });

  it("lists a stored-value redemption with the amount it spent", async () => {
    const card = await deliveredForm(merchant, { form: "balance", balance: 2_000 });
    const spent = await call("POST", "/v1/partner/redemptions", {
      token: partner.apiKey,
      json: { code: card.code, amount: 650 },
    });
    expect(spent.status).toBe(201);
    const listed = await eventually(
      () => listAll("/v1/admin/redemptions", merchant.adminKey),
      (rows) => rows.some((row) => row.id === spent.body.id),
      READ_MODEL_MS,
    );
    expect(listed.find((row) => row.id === spent.body.id)).toMatchObject({
      skuId: card.skuId,
      amount: { amount: 650, currency: "CNY" },
      status: "completed",
    });
  });

  it("filters by status", async () => {
    const reversed = await eventually(
      () => list("?status=reversed"),
      (r) => r.body?.data?.length === 1,
      READ_MODEL_MS,
    );
    expect(reversed.body.data.map((d: { id: string }) => d.id)).toEqual([redemptionIds[0]]);
  });

  it("refuses an unknown status filter with 400 validation_failed", async () => {
    const res = await list("?status=pending");
    await route.expectProblem(res, "validation_failed");
    expect(res.body.errors).toContainEqual({ path: "status", message: expect.any(String) });
  });

  it("shows another merchant's key none of this merchant's redemptions", async () => {
    await eventually(
      () => list(),
      (r) => r.body?.data?.length === 2,
      READ_MODEL_MS,
    );
    const res = await list("", other.adminKey);
    expectJson(res, 200);
    expect(res.body).toEqual({ data: [], nextCursor: null });
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partner.apiKey,
  });
});
