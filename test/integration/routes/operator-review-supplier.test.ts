import { beforeAll, describe, expect, it } from "vitest";
import { TEST_BINDINGS } from "../../worker-bindings";
import { auditLog, call, createMerchant, type TestMerchant } from "../factories";
import { registerSupplier, sandboxAccount } from "../supply-kit";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/operator/suppliers/{supplierId}/review");
const path = (id: string) => `/v1/operator/suppliers/${id}/review`;
const operator = TEST_BINDINGS.OPERATOR_API_KEY;

describe("POST /v1/operator/suppliers/{supplierId}/review", () => {
  let merchant: TestMerchant;
  let supplierId: string;

  const statusOf = async () =>
    (await call("GET", "/v1/admin/suppliers", { token: merchant.adminKey })).body.data.find(
      (s: { id: string }) => s.id === supplierId,
    )?.status;

  beforeAll(async () => {
    merchant = await createMerchant();
    supplierId = await registerSupplier(merchant, await sandboxAccount());
  });

  it("approves a vetted supplier, recording the reviewer, the note and an audit entry in the merchant's log", async () => {
    const res = await call("POST", path(supplierId), {
      token: operator,
      json: { decision: "approved", reviewer: "li.wei@platform.test", note: "Licence and contract verified" },
    });
    expectJson(res, 200);
    expect(res.body).toMatchObject({
      id: supplierId,
      merchantId: merchant.id,
      status: "approved",
      review: { reviewedBy: "li.wei@platform.test", note: "Licence and contract verified" },
    });
    expect(Date.parse(res.body.review.reviewedAt)).toBeGreaterThan(0);
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "supplier.approved",
      target: supplierId,
      actor: "operator:li.wei@platform.test",
    });
  });

  it("suspends an approved supplier, and approves it again", async () => {
    const suspended = await call("POST", path(supplierId), {
      token: operator,
      json: { decision: "suspended", reviewer: "ops" },
    });
    expectJson(suspended, 200);
    expect(await statusOf()).toBe("suspended");
    expectJson(
      await call("POST", path(supplierId), { token: operator, json: { decision: "approved", reviewer: "ops" } }),
      200,
    );
    expect(await statusOf()).toBe("approved");
  });

  it("answers 404 not_found for an unknown supplier", async () => {
    await route.expectProblem(
      await call("POST", path("sup_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), {
        token: operator,
        json: { decision: "approved", reviewer: "ops" },
      }),
      "not_found",
    );
  });

  it("answers 400 validation_failed without a reviewer or with a decision it does not know", async () => {
    for (const json of [
      { decision: "approved" },
      { decision: "pending", reviewer: "ops" },
      { decision: "approved", reviewer: " " },
    ]) {
      await route.expectProblem(await call("POST", path(supplierId), { token: operator, json }), "validation_failed");
    }
  });

  it("cannot be done by the merchant itself: an admin key is not the operator's", async () => {
    const res = await call("POST", path(supplierId), {
      token: merchant.adminKey,
      json: { decision: "approved", reviewer: "me" },
    });
    await route.expectProblem(res, "unauthorized");
  });

  itRefusesBadCredentials(route, {
    audience: "operator",
    send: (authorization) =>
      call("POST", path(supplierId), {
        headers: authorization ? { authorization } : {},
        json: { decision: "suspended", reviewer: "intruder" },
      }),
    otherKindKey: () => merchant.adminKey,
    observe: statusOf,
  });
});
