import { beforeAll, describe, expect, it } from "vitest";
import {
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  deliveredVoucher,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/tickets");

describe("GET /v1/admin/tickets", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partnerKey: string;
  const ticketIds: string[] = [];
  let orderId: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partnerKey = (await createPartner(merchant)).apiKey;
    const voucher = await deliveredVoucher(merchant);
    orderId = voucher.orderId;
    const token = (
      await call("POST", `/v1/shops/${merchant.slug}/order-lookups`, {
        json: { email: "buyer@example.test", orderId },
      })
    ).body.accessToken;
    for (const message of ["The code does not work", "Never mind, it works"]) {
      const res = await call("POST", `/v1/shops/${merchant.slug}/orders/${orderId}/tickets`, {
        token,
        json: { message },
      });
      ticketIds.push(res.body.id);
    }
    await call("PATCH", `/v1/admin/tickets/${ticketIds[1]}`, { token: merchant.adminKey, json: { status: "closed" } });
  });

  it("lists buyers' help requests newest first, with the order and the buyer's email", async () => {
    const res = await call("GET", route.path, { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toEqual({
      data: [
        {
          id: ticketIds[1],
          orderId,
          email: "buyer@example.test",
          message: "Never mind, it works",
          status: "closed",
          createdAt: expect.any(String),
        },
        {
          id: ticketIds[0],
          orderId,
          email: "buyer@example.test",
          message: "The code does not work",
          status: "open",
          createdAt: expect.any(String),
        },
      ],
      nextCursor: null,
    });
  });

  it("filters by status and pages", async () => {
    const open = await call("GET", `${route.path}?status=open`, { token: merchant.adminKey });
    expect(open.body.data.map((ticket: { id: string }) => ticket.id)).toEqual([ticketIds[0]]);
    const page = await call("GET", `${route.path}?limit=1`, { token: merchant.adminKey });
    expect(page.body.nextCursor).toBe(ticketIds[1]);
    await route.expectProblem(
      await call("GET", `${route.path}?status=lost`, { token: merchant.adminKey }),
      "validation_failed",
    );
  });

  it("shows no other merchant's tickets", async () => {
    expect((await call("GET", route.path, { token: other.adminKey })).body.data).toEqual([]);
  });

  it("is for owners, operators and support: finance gets 403 forbidden", async () => {
    const answers = await byRole(team, (headers) => call("GET", route.path, { headers }));
    for (const role of ["owner", "operator", "support"] as const) expectJson(answers[role], 200);
    await route.expectProblem(answers.finance, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
