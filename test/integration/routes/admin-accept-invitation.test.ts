import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, call, createMerchant, signInWith, type TestMerchant, unique } from "../factories";
import { expectJson, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/invitations/accept");
const PASSWORD = "a long enough password";

describe("POST /v1/admin/invitations/accept", () => {
  let merchant: TestMerchant;

  const invite = async (role = "operator") => {
    const email = `${unique("invitee").toLowerCase()}@example.test`;
    const res = await call("POST", "/v1/admin/staff", { token: merchant.adminKey, json: { email, name: "N", role } });
    if (res.status !== 201) throw new Error(`invite: ${res.status}`);
    return { id: res.body.id as string, email, token: res.body.inviteToken as string };
  };

  beforeAll(async () => {
    merchant = await createMerchant();
  });

  it("sets the password with the token; the member can then sign in with their role", async () => {
    const invited = await invite("finance");
    const res = await call("POST", route.path, { json: { token: invited.token, password: PASSWORD } });
    expectJson(res, 201);
    expect(res.body).toEqual({ id: invited.id, email: invited.email, role: "finance" });
    const session = await signInWith(invited.email, PASSWORD);
    const me = await call("GET", "/v1/admin/me", { headers: { cookie: session.cookie } });
    expect(me.body.staff).toMatchObject({ id: invited.id, role: "finance", merchantId: merchant.id });
    expect((await auditLog(merchant)).find((entry) => entry.action === "staff.invitation_accepted")).toMatchObject({
      actor: `staff:${invited.id}`,
      target: invited.id,
    });
  });

  it("works once: the same token again is 404 and the password stays the first one", async () => {
    const invited = await invite();
    expectJson(await call("POST", route.path, { json: { token: invited.token, password: PASSWORD } }), 201);
    const again = await call("POST", route.path, { json: { token: invited.token, password: "another password!" } });
    await route.expectProblem(again, "not_found");
    await signInWith(invited.email, PASSWORD);
  });

  it("lets exactly one of two racing accepts through", async () => {
    const invited = await invite();
    const answers = await Promise.all(
      ["first password here", "second password here"].map((password) =>
        call("POST", route.path, { json: { token: invited.token, password } }),
      ),
    );
    expect(answers.map((res) => res.status).sort()).toEqual([201, 404]);
  });

  it("answers an unknown token, or the token of a withdrawn invitation, with 404 not_found", async () => {
    await route.expectProblem(
      await call("POST", route.path, { json: { token: "not-a-token", password: PASSWORD } }),
      "not_found",
    );
    const invited = await invite();
    expect((await call("DELETE", `/v1/admin/staff/${invited.id}`, { token: merchant.adminKey })).status).toBe(204);
    await route.expectProblem(
      await call("POST", route.path, { json: { token: invited.token, password: PASSWORD } }),
      "not_found",
    );
  });

  it("refuses a password under 12 characters with 400 validation_failed", async () => {
    const invited = await invite();
    const res = await call("POST", route.path, { json: { token: invited.token, password: "short" } });
    await route.expectProblem(res, "validation_failed");
    expect(res.body.errors).toContainEqual({ path: "password", message: expect.any(String) });
  });

  it("needs no credentials but the token: a session cookie or key adds nothing", async () => {
    const res = await call("POST", route.path, {
      token: merchant.adminKey,
      json: { token: "forged", password: PASSWORD },
    });
    await route.expectProblem(res, "not_found");
  });
});
