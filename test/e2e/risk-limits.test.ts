// An owner tightens the shop's limits on the 限制 page: a cap of unpaid orders per email and a
// purchase limit for one scalped SKU. The shop then refuses the buyer who goes over them.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { call, cny, createMerchant, createProduct, type HttpError } from "./api";
import { expectNoProblems, launchBrowser, openAdminSection, openSession, screenshot, signIn } from "./browser";

let browser: Awaited<ReturnType<typeof launchBrowser>>;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("risk limits in the back office", () => {
  test("the owner sets a cap of unpaid orders and a SKU's purchase limit; the shop holds buyers to them", async () => {
    const merchant = await createMerchant();
    const product = await createProduct(merchant, {
      name: "Limited card",
      kind: "voucher",
      skus: [{ name: "One", price: cny(100) }],
    });
    const skuId = product.skus[0]?.id ?? "";
    const owner = await openSession(browser);
    const { page } = owner;
    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);
    await openAdminSection(page, /^限制$/);
    await page.getByText("当前使用默认值").waitFor();
    const unpaid = page.locator("fieldset", { hasText: "同时未支付的订单数" });
    await unpaid.getByLabel("每个邮箱").fill("1");
    await page.getByLabel("SKU 编号").fill(skuId);
    await page.getByRole("button", { name: "添加 SKU" }).click();
    const own = page.locator("fieldset", { hasText: "单独设置限购的商品" });
    await own.getByLabel("每台设备").fill("1");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByRole("status").getByText("已保存").waitFor();
    await screenshot(page, "admin-risk-limits");

    const saved = await call<{ limits: { checkout: Record<string, any> } }>("GET", "/v1/admin/risk/limits", {
      token: merchant.adminApiKey,
    });
    expect(saved.limits.checkout.unpaidOrders.perCustomer).toBe(1);
    expect(saved.limits.checkout.skuPurchases[skuId].perDevice).toBe(1);

    const order = (email: string, device: string) =>
      call<{ id: string }>("POST", `/v1/shops/${merchant.slug}/orders`, {
        json: { email, items: [{ skuId, quantity: 1 }] },
        headers: { "x-device-id": device },
      }).then(
        () => 201,
        (error: HttpError) => `${error.status} ${(error.body as { code: string }).code}`,
      );
    expect(await order("a@example.test", "dev_e2e_0000000000000001")).toBe(201);
    expect(await order("a@example.test", "dev_e2e_0000000000000002")).toBe("429 order_limit_reached");
    expect(await order("b@example.test", "dev_e2e_0000000000000001")).toBe("429 purchase_limit_reached");
    expectNoProblems(owner);
    await owner.close();
  });
});
