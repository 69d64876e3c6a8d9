// A flash sale and loop stock in the browser: the merchant schedules a sale a few seconds
// ahead from the admin app; a buyer sees its price and the countdown, cannot order before it
// opens, and buys at the sale price the moment it does. The merchant stocks a shared account
// with two seats; a buyer gets its login, and the stock page shows the seat taken.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { call, cny, createMerchant, createProduct, importStock, type Product } from "./api";
import {
  expectAccessible,
  expectNoProblems,
  launchBrowser,
  openAdminSection,
  openSession,
  PHONE,
  screenshot,
  signIn,
} from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** A time as a datetime-local field in Asia/Shanghai (the sessions' time zone) shows it. */
const shanghaiInput = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19);

/** The shop's whole checkout from a product page: buy now, email, submit, pay; the order page after. */
async function checkout(page: import("playwright-core").Page, email: string, amount: string) {
  await page.getByRole("button", { name: "立即购买" }).click();
  await page.getByLabel("邮箱").fill(email);
  await page.getByRole("button", { name: /提交订单/ }).click();
  await page.waitForURL(/\/pay\/sandbox\/pay_/);
  expect(await page.getByTestId("pay-amount").textContent()).toBe(amount);
  await page.getByRole("button", { name: /^支付/ }).click();
  await page.waitForURL(/\/orders\/ord_/);
  await expect.poll(() => page.getByTestId("delivery-code").count(), { timeout: 20_000 }).toBe(1);
}

describe("flash sales and loop stock in the browser", () => {
  test("the merchant schedules a flash sale; the buyer waits out the countdown and buys at the sale price", async () => {
    const merchant = await createMerchant();
    const productName = `秒杀点卡 ${merchant.slug.slice(4)}`;
    const product = await createProduct(merchant, {
      name: productName,
      kind: "card_secret",
      skus: [{ name: "100 点", price: cny(1999) }],
    });
    const skuId = product.skus[0]?.id as string;
    await importStock(
      merchant,
      skuId,
      `code,secret\n${Array.from({ length: 5 }, (_, i) => `FS${merchant.slug.slice(4)}-${i},PIN${i}`).join("\n")}\n`,
    );

    const owner = await openSession(browser);
    const admin = owner.page;
    await signIn(admin, merchant.ownerEmail, merchant.ownerPassword);
    await openAdminSection(admin, /^秒杀$/);
    await admin.getByRole("heading", { level: 1, name: "秒杀活动" }).waitFor();
    const opensAt = Date.now() + 20_000;
    const form = admin.getByTestId("sale-form");
    await form.getByLabel("规格", { exact: true }).selectOption({ label: `${productName} · 100 点` });
    await form.getByLabel("名称").fill("双十一秒杀");
    await form.getByLabel(/^秒杀价/).fill("9.90");
    await form.getByLabel("秒杀数量").fill("3");
    await form.getByLabel("每人限购").fill("1");
    await form.getByLabel("分片数").fill("2");
    await form.getByLabel("开抢时间").fill(shanghaiInput(opensAt));
    await form.getByLabel("结束时间").fill(shanghaiInput(opensAt + 3_600_000));
    await form.getByRole("button", { name: "创建秒杀" }).click();
    await admin.getByText("秒杀已创建。").waitFor();
    const row = admin.getByTestId("flash-sales").locator("tr", { hasText: "双十一秒杀" });
    expect(await row.getByTestId("sale-status").textContent()).toBe("未开始");
    await row.getByRole("button", { name: "各分片库存" }).click();
    await expect.poll(() => admin.getByTestId("shard-levels").locator("tbody tr").count()).toBe(2);
    await expectAccessible(admin, "the admin's flash sales");
    await screenshot(admin, "admin-flash-sales");

    // The buyer sees the sale price against the regular one and counts down; ordering waits.
    const buyer = await openSession(browser, { viewport: PHONE });
    const shop = buyer.page;
    await shop.goto(`/s/${merchant.slug}`);
    await expect.poll(() => shop.getByTestId("flash-sale-badge").count()).toBe(1);
    await shop.getByRole("link", { name: productName }).click();
    const box = shop.getByTestId("flash-sale");
    expect(await box.getAttribute("data-phase")).toBe("scheduled");
    expect(await box.getByTestId("sale-price").textContent()).toBe("¥9.90");
    expect(await box.textContent()).toContain("原价 ¥19.99");
    expect(await box.getByTestId("countdown").textContent()).toMatch(/^距开抢 00:00:\d\d$/);
    expect(await shop.getByTestId("sale-not-open").isDisabled()).toBe(true);
    expect(await shop.getByRole("button", { name: "立即购买" }).count()).toBe(0);
    await expectAccessible(shop, "a product before its flash sale opens");
    await screenshot(shop, "shop-flash-sale-countdown-phone");

    // The second it opens the page reads the sale again: what is left, and buying at ¥9.90.
    await expect.poll(() => box.getAttribute("data-phase"), { timeout: 40_000 }).toBe("open");
    await expect.poll(() => shop.getByTestId("sale-left").textContent(), { timeout: 10_000 }).toBe("秒杀剩余 3");
    await screenshot(shop, "shop-flash-sale-open-phone");
    await checkout(shop, `fan@${merchant.slug}.example.com`, "¥9.90");
    expect(await shop.getByTestId("delivery-secret").textContent()).toMatch(/^PIN\d$/);

    // The sale's own limit: the same buyer, spelled differently, cannot buy a second one.
    await shop.goto(`/s/${merchant.slug}`);
    await shop.getByRole("link", { name: productName }).click();
    await shop.getByRole("button", { name: "立即购买" }).click();
    await shop.getByLabel("邮箱").fill(`Fan+again@${merchant.slug}.example.com`);
    await shop.getByRole("button", { name: /提交订单/ }).click();
    await shop.getByText("已达到本次秒杀的每人限购数量。").waitFor();
    expectNoProblems(buyer);
    await buyer.close();

    // The merchant sees the sale open, one sold; the units it set aside left normal stock.
    await expect
      .poll(
        async () => {
          await admin.reload();
          const sale = admin.getByTestId("flash-sales").locator("tr", { hasText: "双十一秒杀" });
          return [
            await sale.getByTestId("sale-status").textContent(),
            await sale.getByTestId("sale-remaining").textContent(),
            await sale.getByTestId("sale-sold").textContent(),
          ];
        },
        { timeout: 20_000 },
      )
      .toEqual(["进行中", "2", "1"]);
    await openAdminSection(admin, /^库存$/);
    await expect
      .poll(() =>
        admin
          .getByTestId("stock-levels")
          .locator("tr", { hasText: productName })
          .getByTestId("available")
          .textContent(),
      )
      .toBe("2");
    expectNoProblems(owner);
    await owner.close();
  });

  test("the merchant stocks a shared account with two seats; a buyer gets its login and the seat shows as used", async () => {
    const merchant = await createMerchant();
    const productName = `家庭会员 ${merchant.slug.slice(4)}`;
    await call<Product>("POST", "/v1/admin/products", {
      token: merchant.adminApiKey,
      json: {
        name: productName,
        kind: "shared_account",
        instructions: "用下面的账号登录视频网站。",
        skus: [{ name: "一个月", price: cny(1500) }],
      },
    });
    const owner = await openSession(browser);
    const admin = owner.page;
    await signIn(admin, merchant.ownerEmail, merchant.ownerPassword);
    await openAdminSection(admin, /^库存$/);
    await admin.getByLabel("规格", { exact: true }).selectOption({ label: `${productName} · 一个月` });
    const login = `family@${merchant.slug}.example.com`;
    await admin.getByLabel("CSV 文件").setInputFiles({
      name: "accounts.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(`code,secret,seats\n${login},family-pass-1,2\n`),
    });
    await admin.getByRole("button", { name: "开始上传" }).click();
    const report = admin.getByTestId("import-report");
    await expect.poll(() => report.getAttribute("class"), { timeout: 30_000 }).toContain("done");
    expect(await report.getByTestId("imported").textContent()).toBe("1");
    const row = () => admin.getByTestId("stock-levels").locator("tr", { hasText: productName });
    await expect.poll(() => row().getByTestId("available").textContent()).toBe("2 席");
    await row().getByRole("button", { name: "各账号席位" }).click();
    await expect.poll(() => admin.getByTestId("seats-used").textContent()).toContain("已用 0 / 2 席");

    const buyer = await openSession(browser, { viewport: PHONE });
    const shop = buyer.page;
    await shop.goto(`/s/${merchant.slug}`);
    await shop.getByRole("link", { name: productName }).click();
    await checkout(shop, `viewer@${merchant.slug}.example.com`, "¥15.00");
    expect(await shop.getByTestId("delivery-code").textContent()).toBe(login);
    expect(await shop.getByTestId("delivery-secret").textContent()).toBe("family-pass-1");
    expect(await shop.getByTestId("shared-account-note").count()).toBe(1);
    expect(await shop.getByText("账号", { exact: true }).count()).toBe(1);
    await expectAccessible(shop, "a shared account's delivery");
    await screenshot(shop, "shop-shared-account-phone");
    expectNoProblems(buyer);
    await buyer.close();

    await admin.reload();
    await row().getByRole("button", { name: "各账号席位" }).click();
    await expect.poll(() => admin.getByTestId("seats-used").textContent()).toContain("已用 1 / 2 席");
    await expectAccessible(admin, "the stock page with seats per account");
    await screenshot(admin, "admin-account-seats");
    expectNoProblems(owner);
    await owner.close();
  });
});
