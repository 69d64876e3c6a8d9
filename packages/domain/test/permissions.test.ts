import { describe, expect, test } from "vitest";
import { CAPABILITIES, type Capability, can, isRestricted, ROLES } from "../src/permissions";

// The role table of docs/web-api-contract.md, row by row.
const TABLE: [Capability, string][] = [
  ["dashboard", "owner operator finance support"],
  ["catalog.read", "owner operator finance support"],
  ["catalog.write", "owner operator"],
  ["orders.read", "owner operator finance support"],
  ["codes.reveal", "owner operator finance"],
  ["orders.refund", "owner finance"],
  ["orders.resend", "owner operator support"],
  ["redemptions.read", "owner operator finance support"],
  ["redemptions.write", "owner operator support"],
  ["partners.manage", "owner operator"],
  ["staff.manage", "owner"],
  ["audit.read", "owner"],
  ["tickets.manage", "owner operator support"],
  ["reports.read", "owner operator finance support"],
  ["channels.read", "owner operator finance support"],
  ["channels.manage", "owner operator"],
  ["channels.fund", "owner finance"],
  ["risk.read", "owner operator finance support"],
  ["risk.review", "owner operator finance"],
  ["risk.manage", "owner operator"],
  ["risk.limits", "owner"],
];

describe("role permissions", () => {
  test("the table covers every capability", () => {
    expect(TABLE.map(([capability]) => capability).sort()).toEqual(Object.keys(CAPABILITIES).sort());
  });

  test.each(TABLE)("%s is allowed to exactly: %s", (capability, allowed) => {
    const roles = allowed.split(" ");
    for (const role of ROLES) expect(can(role, capability), `${role} ${capability}`).toBe(roles.includes(role));
    expect(isRestricted(capability)).toBe(roles.length < ROLES.length);
  });

  test("support may not reveal a full code; unknown roles may do nothing", () => {
    expect(can("support", "codes.reveal")).toBe(false);
    for (const [capability] of TABLE) expect(can("admin", capability)).toBe(false);
  });
});
