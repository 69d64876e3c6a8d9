// Roles in the admin app: a support agent sees orders with codes masked and cannot reveal a
// full code (the button is absent and the server refuses); an owner can, and the reveal is audited.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buyAndPay, cny, createMerchant, createProduct, createStaff, importStock } from "./api";
import { expectNoProblems, launchBrowser, openAdminSection, openSession, screenshot, signIn } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("staff roles", () => {
  test("a support user cannot reveal a full code; an owner can, and the audit log records it", async () => {
    const merchant = await createMerchant();
    const product = await createProduct(merchant, {
      name: "Gift card",
      kind: "card_secret",
      skus: [{ name: "50", price: cny(5000) }],
    });
    const skuId = product.skus[0]?.id ?? "";
    const secretCode = `SECRET-${merchant.slug.slice(4).toUpperCase()}-0001`;
    await importStock(merchant, skuId, `code,secret\n${secretCode},PIN-1\n`);
    const order = await buyAndPay(merchant, skuId);
    expect(order.deliveries?.[0]?.code).toBe(secretCode);
    const support = await createStaff(merchant, "support");

    const agent = await openSession(browser);
    await signIn(agent.page, support.email, support.password);
    const nav = agent.page.getByRole("navigation", { name: "后台导航" });
    // Support works orders, redemptions and tickets; staff, partners and the audit log are hidden.
    expect(await nav.getByRole("link", { name: "订单" }).count()).toBe(1);
    expect(await nav.getByRole("link", { name: "核销台" }).count()).toBe(1);
    expect(await nav.getByRole("link", { name: "员工" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "合作方与密钥" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "审计日志" }).count()).toBe(0);
    await openAdminSection(agent.page, /^订单$/);
    await agent.page.getByRole("link", { name: order.id }).click();
    const masked = agent.page.getByTestId("masked-code");
    await expect.poll(() => masked.count()).toBe(1);
    expect(await masked.textContent()).not.toContain(secretCode);
    expect(await agent.page.getByRole("button", { name: "查看完整卡密" }).count()).toBe(0);
    expect(await agent.page.getByRole("button", { name: "退款" }).count()).toBe(0);
    await screenshot(agent.page, "admin-order-support");

    // The server refuses the reveal too, even with a valid session and CSRF token.
    const refused = await agent.page.evaluate(async (orderId) => {
      const me = await (await fetch("/v1/admin/me")).json();
      const detail = await (await fetch(`/v1/admin/orders/${orderId}`)).json();
      const res = await fetch(`/v1/admin/orders/${orderId}/deliveries/${detail.deliveries[0].id}/reveal`, {
        method: "POST",
        headers: { "x-csrf-token": me.csrfToken, "content-type": "application/json" },
        body: "{}",
      });
      return { status: res.status, body: await res.json() };
    }, order.id);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("forbidden");
    expect(JSON.stringify(refused.body)).not.toContain(secretCode);
    expectNoProblems(agent);
    await agent.close();

    const owner = await openSession(browser);
    await signIn(owner.page, merchant.ownerEmail, merchant.ownerPassword);
    await owner.page.goto(`/admin/orders/${order.id}`);
    await owner.page.getByRole("button", { name: "查看完整卡密" }).click();
    await expect.poll(() => owner.page.getByTestId("revealed-code").textContent()).toBe(secretCode);
    await screenshot(owner.page, "admin-order-revealed");
    await openAdminSection(owner.page, /^审计日志$/);
    const audit = owner.page.getByTestId("audit-table");
    await expect.poll(() => audit.textContent()).toContain(merchant.ownerEmail);
    expect((await audit.textContent())?.toLowerCase()).toContain("reveal");
    expect(await audit.textContent()).not.toContain(secretCode);
    await screenshot(owner.page, "admin-audit");
    expectNoProblems(owner);
    await owner.close();
  });
});
