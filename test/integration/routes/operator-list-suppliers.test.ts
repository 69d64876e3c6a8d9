import { beforeAll, describe, expect, it } from "vitest";
import { TEST_BINDINGS } from "../../worker-bindings";
import { call, createMerchant, type TestMerchant } from "../factories";
import { registerSupplier, reviewSupplier, sandboxAccount } from "../supply-kit";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/operator/suppliers");
const operator = TEST_BINDINGS.OPERATOR_API_KEY;

describe("GET /v1/operator/suppliers", () => {
  let merchant: TestMerchant;
  let pending: string;
  let approved: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    approved = await registerSupplier(merchant, await sandboxAccount());
    await reviewSupplier(approved);
    pending = await registerSupplier(await createMerchant(), await sandboxAccount());
  });

  it("lists suppliers of every merchant awaiting vetting, with their documents and merchant", async () => {
    const res = await call("GET", "/v1/operator/suppliers?status=pending&limit=100", { token: operator });
    expectJson(res, 200);
    const ids = res.body.data.map((s: { id: string }) => s.id);
    expect(ids).toContain(pending);
    expect(ids).not.toContain(approved);
    const entry = res.body.data.find((s: { id: string }) => s.id === pending);
    expect(entry).toMatchObject({
      status: "pending",
      merchantId: expect.stringMatching(/^mer_/),
      documents: [{ kind: "business_license" }],
    });
  });

  it("lists every status without a filter", async () => {
    const res = await call("GET", "/v1/operator/suppliers?limit=100", { token: operator });
    const ids = res.body.data.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining([pending, approved]));
  });

  it("answers 400 validation_failed for a limit out of range", async () => {
    await route.expectProblem(
      await call("GET", "/v1/operator/suppliers?limit=1000", { token: operator }),
      "validation_failed",
    );
  });

  itRefusesBadCredentials(route, {
    audience: "operator",
    send: (authorization) => call("GET", "/v1/operator/suppliers", { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => merchant.adminKey,
  });
});
