// The risk review queue: orders the rules held wait with their reasons; a staff member approves
// one (it is delivered) and rejects another (it is refunded), and the decision log says who did.
import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { call, cny, createMerchant, createProduct, type ShopOrder, type TestMerchant } from "./api";
import { expectNoProblems, launchBrowser, openAdminSection, openSession, screenshot, signIn } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface AdminOrder {
  status: string;
  statusReason: string | null;
}

/** A paid order the merchant's rules hold for review (every order trips its e-mail rule). */
async function heldOrder(merchant: TestMerchant, skuId: string, email: string) {
  const order = await call<ShopOrder>("POST", `/v1/shops/${merchant.slug}/orders`, {
    json: { email, items: [{ skuId, quantity: 1 }] },
    idempotencyKey: randomUUID(),
  });
  await call("POST", `/v1/sandbox/payments/${order.payment.id}/complete`, { json: { outcome: "succeeded" } });
  await expect
    .poll(
      async () =>
        (await call<AdminOrder>("GET", `/v1/admin/orders/${order.id}`, { token: merchant.adminApiKey })).statusReason,
      { timeout: 20_000, interval: 250 },
    )
    .toBe("risk_review");
  return order.id;
}

describe("the risk review queue", () => {
  test("shows held orders with their reasons; approving delivers one, rejecting refunds the other", async () => {
    const merchant = await createMerchant();
    const { settings } = await call<{ settings: Record<string, any> }>("GET", "/v1/admin/risk/settings", {
      token: merchant.adminApiKey,
    });
    for (const rule of Object.keys(settings.rules)) settings.rules[rule].enabled = false;
    settings.rules.velocity_email = { enabled: true, weight: 50, limit: 0 };
    settings.scoreFrom = 0;
    await call("PUT", "/v1/admin/risk/settings", { token: merchant.adminApiKey, json: settings });
    const product = await createProduct(merchant, {
      name: "游戏点卡",
      kind: "voucher",
      skus: [{ name: "100 点", price: cny(9900) }],
    });
    const skuId = product.skus[0]?.id ?? "";
    const approved = await heldOrder(merchant, skuId, `first@${merchant.slug}.example.com`);
    const rejected = await heldOrder(merchant, skuId, `second@${merchant.slug}.example.com`);

    const staff = await openSession(browser);
    const { page } = staff;
    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);
    await openAdminSection(page, /^风控$/);
    const cards = page.getByTestId("risk-review");
    await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(2);
    const first = cards.filter({ hasText: approved });
    expect(await first.textContent()).toContain("评分 50");
    expect(await first.textContent()).toContain("同一邮箱的订单");
    await screenshot(page, "admin-risk-review-queue");

    await first.getByRole("button", { name: "通过并发货" }).click();
    await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(1);
    page.once("dialog", (dialog) => void dialog.accept("盗刷的卡"));
    await cards.filter({ hasText: rejected }).getByRole("button", { name: "拒绝并退款" }).click();
    await page.getByText("没有待审核的订单。").waitFor();

    const statusOf = async (orderId: string) =>
      (await call<AdminOrder>("GET", `/v1/admin/orders/${orderId}`, { token: merchant.adminApiKey })).status;
    expect(await statusOf(approved)).toBe("fulfilled");
    expect(await statusOf(rejected)).toBe("refunded");

    await page.getByRole("link", { name: "决策记录" }).click();
    const log = page.locator("table");
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain("已通过");
    expect(await log.textContent()).toContain("已拒绝");
    expect(await log.textContent()).toContain("盗刷的卡");
    await screenshot(page, "admin-risk-decision-log");
    expectNoProblems(staff);
    await staff.close();
  });
});
