import { describe, expect, it } from "vitest";
import { checkRecipient } from "../src/recipient";

describe("direct top-up recipients", () => {
  it.each([
    ["13800138000", "13800138000"],
    ["+86 138-0013-8000", "13800138000"],
    ["0086 13800138000", "13800138000"],
    ["１３８００１３８０００", "13800138000"],
  ])("normalizes the mobile number %s", (phone, normalized) => {
    expect(checkRecipient({ template: "mobile_cn" }, { phone })).toEqual({
      ok: true,
      account: { phone: normalized },
      masked: "138****8000",
    });
  });

  it.each(["12800138000", "1380013800", "138001380000", "", "abc"])("refuses the mobile number %j", (phone) => {
    expect(checkRecipient({ template: "mobile_cn" }, { phone })).toMatchObject({
      ok: false,
      errors: [{ field: "phone" }],
    });
  });

  it("checks a game account's id and region against the template's regions", () => {
    const template = { template: "game_account" as const, regions: ["asia", "eu"] };
    expect(checkRecipient(template, { gameId: "player_01", region: "eu" })).toEqual({
      ok: true,
      account: { gameId: "player_01", region: "eu" },
      masked: "pl*****01 (eu)",
    });
    expect(checkRecipient(template, { gameId: "x", region: "mars" })).toMatchObject({
      ok: false,
      errors: [{ field: "gameId" }, { field: "region" }],
    });
  });

  it("refuses fields the template does not ask for", () => {
    expect(checkRecipient({ template: "qq" }, { qq: "123456", phone: "13800138000" })).toMatchObject({
      ok: false,
      errors: [{ field: "phone", message: "not a field of this product's recipient" }],
    });
  });

  it("checks QQ numbers and email addresses", () => {
    expect(checkRecipient({ template: "qq" }, { qq: "10001" })).toMatchObject({ ok: true, account: { qq: "10001" } });
    expect(checkRecipient({ template: "qq" }, { qq: "01234" }).ok).toBe(false);
    expect(checkRecipient({ template: "email" }, { email: " Buyer@Example.COM " })).toEqual({
      ok: true,
      account: { email: "buyer@example.com" },
      masked: "b***r@example.com",
    });
    expect(checkRecipient({ template: "email" }, { email: "not-an-email" }).ok).toBe(false);
  });
});
