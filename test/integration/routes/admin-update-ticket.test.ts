import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
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
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("patch", "/v1/admin/tickets/{ticketId}");
const path = (id: string) => `/v1/admin/tickets/${id}`;

describe("PATCH /v1/admin/tickets/{ticketId}", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partnerKey: string;
  let order: { orderId: string; accessToken: string };

  const openTicket = async (message = "Help please") =>
    (
      await call("POST", `/v1/shops/${merchant.slug}/orders/${order.orderId}/tickets`, {
        token: order.accessToken,
        json: { message },
      })
    ).body.id as string;
  const statusOf = async (id: string) =>
    (await call("GET", "/v1/admin/tickets", { token: merchant.adminKey })).body.data.find(
      (ticket: { id: string }) => ticket.id === id,
    )?.status;

  /** What the refused calls aim at: it must stay as it was. */
  let guarded: string;
  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partnerKey = (await createPartner(merchant)).apiKey;
    const voucher = await deliveredVoucher(merchant);
    const lookup = await call("POST", `/v1/shops/${merchant.slug}/order-lookups`, {
      json: { email: "buyer@example.test", orderId: voucher.orderId },
    });
    order = { orderId: voucher.orderId, accessToken: lookup.body.accessToken };
    guarded = await openTicket("Guarded");
  });

  it("closes a ticket and reopens it, each audited", async () => {
    const id = await openTicket();
    const closed = await call("PATCH", path(id), {
      headers: { cookie: team.support.cookie, "x-csrf-token": team.support.csrfToken },
      json: { status: "closed" },
    });
    expectJson(closed, 200);
    expect(closed.body).toMatchObject({ id, status: "closed", orderId: order.orderId, message: "Help please" });
    expect(await statusOf(id)).toBe("closed");
    expect((await call("PATCH", path(id), { token: merchant.adminKey, json: { status: "open" } })).body.status).toBe(
      "open",
    );
    const entries = (await auditLog(merchant)).filter((entry) => entry.target === id);
    expect(entries.map((entry) => entry.detail)).toEqual([
      { from: "closed", to: "open" },
      { from: "open", to: "closed" },
    ]);
  });

  it("refuses an unknown status with 400 validation_failed", async () => {
    const id = await openTicket();
    await route.expectProblem(
      await call("PATCH", path(id), { token: merchant.adminKey, json: { status: "solved" } }),
      "validation_failed",
    );
  });

  it("answers another merchant's ticket exactly like a missing one", async () => {
    const id = await openTicket();
    const foreign = await call("PATCH", path(id), { token: other.adminKey, json: { status: "closed" } });
    const missing = await call("PATCH", path("tkt_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), {
      token: other.adminKey,
      json: { status: "closed" },
    });
    await expectForeignLikeMissing(route, foreign, missing);
    expect(await statusOf(id)).toBe("open");
  });

  it("is for owners, operators and support: finance gets 403 forbidden", async () => {
    const id = await openTicket();
    const answers = await byRole(team, (headers) => call("PATCH", path(id), { headers, json: { status: "closed" } }));
    for (const role of ["owner", "operator", "support"] as const) expectJson(answers[role], 200);
    await route.expectProblem(answers.finance, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("PATCH", path(guarded), { headers: authorization ? { authorization } : {}, json: { status: "closed" } }),
    otherKindKey: () => partnerKey,
    observe: () => statusOf(guarded),
  });
});
