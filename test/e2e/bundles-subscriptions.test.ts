// Bundles and subscriptions in a real browser: the owner composes a video + music bundle in the
// product editor, a consumer on a phone sees what is inside, buys it and gets a code for each
// part, and the owner refunds one part on its own. Then the owner sells a membership as a
// monthly subscription; the consumer pays with a saved test card, sees the next renewal on the
// order page and cancels it; the owner finds it cancelled among the subscriptions.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { call, cny, createMerchant, createProduct, importStock } from "./api";
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

describe("bundles and subscriptions in the browser", () => {
  test("the owner composes a bundle, a consumer buys it and gets each part, the owner refunds one part", async () => {
    const merchant = await createMerchant();
    const suffix = merchant.slug.slice(4);
    const video = await createProduct(merchant, {
      name: `视频会员 ${suffix}`,
      kind: "card_secret",
      instructions: "在视频 App 中兑换",
      skus: [{ name: "月卡", price: cny(2500) }],
    });
    await importStock(merchant, video.skus[0]?.id ?? "", `code,secret\nVID-${suffix}-1,PIN1\nVID-${suffix}-2,PIN2\n`);
    await createProduct(merchant, {
      name: `音乐会员 ${suffix}`,
      kind: "voucher",
      instructions: "在音乐 App 中输入券码",
      skus: [{ name: "月卡", price: cny(1500) }],
    });
    const bundleName = `影音套餐 ${suffix}`;

    const owner = await openSession(browser);
    const { page } = owner;
    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);
    await openAdminSection(page, /^商品$/);
    await page.getByRole("link", { name: "新建商品" }).click();
    await page.getByLabel("名称", { exact: true }).fill(bundleName);
    await page.getByRole("radio", { name: /套餐/ }).check();
    await page.getByLabel("规格名称").fill("连续包月");
    await page.getByLabel("价格", { exact: true }).fill("30.00");
    await page.getByRole("button", { name: "创建商品" }).click();

    // The new bundle opens for composing: nothing inside yet, so it cannot be bought.
    await page.getByRole("heading", { name: "每份套餐包含" }).waitFor();
    expect(await page.getByText("这个套餐还没有内容").count()).toBe(1);
    await page.getByRole("button", { name: "添加一项" }).click();
    await page.getByLabel("第 1 项").selectOption({ label: `视频会员 ${suffix} · 月卡 (¥25.00)` });
    await page.getByRole("button", { name: "添加一项" }).click();
    await page.getByLabel("第 2 项").selectOption({ label: `音乐会员 ${suffix} · 月卡 (¥15.00)` });
    await page.getByRole("button", { name: "保存套餐内容" }).click();
    await page.getByText("已保存，各项分摊套餐价 ¥30.00。").waitFor();
    // List values 25.00 and 15.00 share 30.00: 18.75 and 11.25.
    expect(await page.getByText("分摊 ¥18.75").count()).toBe(1);
    expect(await page.getByText("分摊 ¥11.25").count()).toBe(1);
    await screenshot(page, "admin-bundle-composer");
    await expectAccessible(page, "the bundle composer");

    const consumer = await openSession(browser, { viewport: PHONE });
    const shop = consumer.page;
    await shop.goto(`/s/${merchant.slug}`);
    await shop.getByRole("link", { name: bundleName }).click();
    const contents = shop.getByTestId("bundle-contents");
    await expect.poll(() => contents.textContent()).toContain(`视频会员 ${suffix} · 月卡 × 1`);
    expect(await contents.textContent()).toContain(`音乐会员 ${suffix} · 月卡 × 1`);
    expect(await shop.getByTestId("price").textContent()).toBe("¥30.00");
    await screenshot(shop, "shop-bundle-phone");
    await shop.getByRole("button", { name: "立即购买" }).click();
    await shop.getByLabel("邮箱").fill(`buyer@${merchant.slug}.example.com`);
    await shop.getByRole("button", { name: /提交订单/ }).click();
    await shop.waitForURL(/\/pay\/sandbox\/pay_/);
    await shop.getByRole("button", { name: /^支付/ }).click();
    await shop.waitForURL(/\/orders\/ord_/);
    const orderId = new URL(shop.url()).pathname.split("/").pop() ?? "";
    await expect.poll(() => shop.getByTestId("delivery").count(), { timeout: 20_000 }).toBe(2);
    expect(await shop.getByTestId("delivery-code").first().textContent()).toMatch(/^VID-/);
    expect(await shop.getByText("在音乐 App 中输入券码").count()).toBe(1);
    await screenshot(shop, "shop-bundle-order-phone");
    expectNoProblems(consumer);

    // The owner refunds the music part alone: its share comes back, the order is partly refunded.
    await page.goto(`/admin/orders/${orderId}`);
    const parts = page.getByTestId("order-component");
    await expect.poll(() => parts.count()).toBe(2);
    await parts.nth(1).getByRole("button", { name: "单独退这一项（¥11.25）" }).click();
    await page.getByLabel("退款原因").fill("只要视频会员");
    await page.getByRole("button", { name: "退款 ¥11.25" }).click();
    await expect.poll(() => page.locator(".facts").first().textContent()).toContain("部分退款");
    expect(await parts.nth(1).textContent()).toContain("已退款");
    await screenshot(page, "admin-order-partial-refund");
    const view = await call<{ status: string; items: { components: { refundedAt: string | null }[] }[] }>(
      "GET",
      `/v1/admin/orders/${orderId}`,
      { token: merchant.adminApiKey },
    );
    expect(view.status).toBe("partially_refunded");
    expect(view.items[0]?.components.map((c) => c.refundedAt !== null)).toEqual([false, true]);
    expectNoProblems(owner);
    await consumer.close();
    await owner.close();
  });

  test("a monthly subscription: sold as one in the editor, paid with a saved card, renewal shown, cancelled by the buyer", async () => {
    const merchant = await createMerchant();
    const suffix = merchant.slug.slice(4);
    const name = `云盘会员 ${suffix}`;
    const product = await createProduct(merchant, {
      name,
      kind: "voucher",
      instructions: "在云盘中兑换",
      skus: [{ name: "月度", price: cny(1200) }],
    });

    const owner = await openSession(browser);
    const { page } = owner;
    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);
    await page.goto(`/admin/catalog/${product.id}`);
    await page.getByLabel("售卖方式").selectOption("month");
    await page.getByRole("button", { name: "保存售卖方式" }).click();
    await expect.poll(() => page.getByRole("status").last().textContent()).toContain("已保存");

    const consumer = await openSession(browser, { viewport: PHONE });
    const shop = consumer.page;
    await shop.goto(`/s/${merchant.slug}/p/${product.id}`);
    await expect.poll(() => shop.getByTestId("renewal").textContent(), { timeout: 20_000 }).toContain("每月自动续费");
    await shop.getByRole("button", { name: "立即购买" }).click();
    await shop.getByLabel("邮箱").fill(`buyer@${merchant.slug}.example.com`);
    await shop.getByRole("button", { name: /提交订单/ }).click();
    await shop.waitForURL(/\/pay\/sandbox\/pay_/);
    await shop.getByText("本订单包含周期购").waitFor();
    expect(await shop.getByLabel("卡号（测试）").inputValue()).toBe("4242 4242 4242 4242");
    await screenshot(shop, "shop-sandbox-saves-card-phone");
    await shop.getByRole("button", { name: /^支付/ }).click();
    await shop.waitForURL(/\/orders\/ord_/);

    const card = shop.getByTestId("subscription");
    await expect.poll(() => card.textContent(), { timeout: 20_000 }).toContain("下次续费");
    expect(await card.textContent()).toContain("Visa •••• 4242");
    expect(await card.textContent()).toContain("有效");
    await screenshot(shop, "shop-subscription-phone");
    await expectAccessible(shop, "the order page with a subscription");
    await card.getByRole("button", { name: "取消自动续费" }).click();
    await card.getByRole("button", { name: "确认取消续费" }).click();
    await expect.poll(() => card.textContent()).toContain("已取消");
    expect(await card.getByTestId("next-renewal").count()).toBe(0);
    expectNoProblems(consumer);

    await openAdminSection(page, /^周期购$/);
    const table = page.getByTestId("subscriptions-table");
    await expect.poll(() => table.textContent()).toContain(name);
    expect(await table.textContent()).toContain("已取消");
    await table.getByRole("link").first().click();
    await expect.poll(() => page.getByTestId("subscription-history").textContent()).toContain("第 1 期内取消");
    await screenshot(page, "admin-subscription");
    expectNoProblems(owner);
    await consumer.close();
    await owner.close();
  });
});
