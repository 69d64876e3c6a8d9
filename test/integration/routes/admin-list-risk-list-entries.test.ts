import { beforeAll, describe, expect, it } from "vitest";
import { byRole, call, createMerchant, createPartner, createTeam, type TestMerchant } from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/risk/lists");

describe("GET /v1/admin/risk/lists", () => {
  let merchant: TestMerchant;
  let partnerKey: string;
  const ids: string[] = [];

  beforeAll(async () => {
    merchant = await createMerchant();
    partnerKey = (await createPartner(merchant)).apiKey;
    for (const entry of [
      { kind: "email", list: "block", value: "fraud@example.com" },
      { kind: "ip_range", list: "block", value: "198.51.100.0/24" },
      { kind: "device", list: "allow", value: "dev_trusted_0001" },
    ]) {
      ids.push((await call("POST", route.path, { token: merchant.adminKey, json: entry })).body.id);
    }
  });

  it("lists the entries newest first, filtered by list and kind, a page at a time", async () => {
    const all = await call("GET", route.path, { token: merchant.adminKey });
    expectJson(all, 200);
    expect(all.body.data.map((entry: { id: string }) => entry.id)).toEqual([...ids].reverse());
    const blocked = await call("GET", `${route.path}?list=block`, { token: merchant.adminKey });
    expect(blocked.body.data.map((entry: { value: string }) => entry.value)).toEqual([
      "198.51.100.0/24",
      "fraud@example.com",
    ]);
    const emails = await call("GET", `${route.path}?kind=email`, { token: merchant.adminKey });
    expect(emails.body.data).toEqual([
      {
        id: ids[0],
        kind: "email",
        list: "block",
        value: "fraud@example.com",
        note: null,
        createdBy: expect.stringMatching(/^key:/),
        createdAt: expect.any(String),
      },
    ]);
    const first = await call("GET", `${route.path}?limit=2`, { token: merchant.adminKey });
    const second = await call("GET", `${route.path}?limit=2&cursor=${first.body.nextCursor}`, {
      token: merchant.adminKey,
    });
    expect([...first.body.data, ...second.body.data].map((entry: { id: string }) => entry.id)).toEqual(
      [...ids].reverse(),
    );
    expect(second.body.nextCursor).toBeNull();
  });

  it("shows another merchant nothing, and every role may read", async () => {
    const other = await createMerchant();
    expect((await call("GET", route.path, { token: other.adminKey })).body.data).toEqual([]);
    const answers = await byRole(await createTeam(merchant), (headers) => call("GET", route.path, { headers }));
    for (const res of Object.values(answers)) expect(res.body.data).toHaveLength(3);
  });

  it("refuses an unknown kind with 400", async () => {
    await route.expectProblem(
      await call("GET", `${route.path}?kind=phone`, { token: merchant.adminKey }),
      "validation_failed",
    );
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
