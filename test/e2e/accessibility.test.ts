// axe-core on the main pages of both apps (no serious or critical violation), with a
// screenshot of each, at desktop size and on a phone.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, test } from "vitest";
import { buyAndPay, cny, createMerchant, createProduct, importStock } from "./api";
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

describe("accessibility of the main pages", () => {
  test("admin: sign-in, dashboard, catalog, orders", async () => {
    const merchant = await createMerchant();
    const product = await createProduct(merchant, {
      name: "视频会员月卡",
      kind: "card_secret",
      instructions: "打开 App，进入**我的 → 兑换**，输入卡密。",
      skus: [{ name: "月卡", price: cny(1990) }],
    });
    await importStock(merchant, product.skus[0]?.id ?? "", "code\nA11Y-0001\nA11Y-0002\n");
    await buyAndPay(merchant, product.skus[0]?.id ?? "");

    const session = await openSession(browser);
    const { page } = session;
    await page.goto("/admin/sign-in");
    await page.getByRole("heading", { name: "登录" }).waitFor();
    await expectAccessible(page, "admin sign-in");
    await screenshot(page, "admin-sign-in");

    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);
    await page.getByTestId("kpi-today-orders").waitFor();
    await expectAccessible(page, "admin dashboard");

    await openAdminSection(page, /^商品$/);
    await page.getByRole("link", { name: "视频会员月卡" }).waitFor();
    await expectAccessible(page, "admin catalog");
    await screenshot(page, "admin-catalog");

    await page.getByRole("link", { name: "新建商品" }).click();
    await page.getByLabel("规格名称").waitFor();
    await expectAccessible(page, "admin product editor");
    await screenshot(page, "admin-product-new");

    await openAdminSection(page, /^订单$/);
    await page.getByTestId("orders-table").waitFor();
    await expectAccessible(page, "admin orders");
    await screenshot(page, "admin-orders");

    await page.getByTestId("orders-table").getByRole("link").first().click();
    await page.getByTestId("admin-delivery").waitFor();
    await expectAccessible(page, "admin order detail");
    await screenshot(page, "admin-order-detail");

    await openAdminSection(page, /^核销台$/);
    await expectAccessible(page, "admin redemption desk");
    await openAdminSection(page, /^库存$/);
    await page.getByTestId("stock-levels").waitFor();
    await expectAccessible(page, "admin stock");
    expectNoProblems(session);
    await session.close();

    const phone = await openSession(browser, { viewport: PHONE });
    await signIn(phone.page, merchant.ownerEmail, merchant.ownerPassword);
    await phone.page.getByTestId("kpi-today-orders").waitFor();
    await screenshot(phone.page, "admin-dashboard-phone");
    await phone.close();
  });

  test("shop: product list, product page, cart, order page", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, {
      name: "洗车次卡（5 次）",
      kind: "voucher",
      instructions: "到店出示二维码或券码，每次洗车核销一次。\n\n- 有效期 90 天\n- 全国门店通用",
      skus: [{ name: "5 次", price: cny(9900), policy: { uses: 5, validDays: 90 } }],
    });
    const soldOut = await createProduct(merchant, {
      name: "游戏点卡",
      kind: "card_secret",
      skus: [{ name: "100 点", price: cny(1000) }],
    });
    const order = await buyAndPay(merchant, voucher.skus[0]?.id ?? "");

    for (const [label, viewport] of [
      ["desktop", undefined],
      ["phone", PHONE],
    ] as const) {
      const session = await openSession(browser, viewport ? { viewport } : {});
      const { page } = session;
      await page.goto(`/s/${merchant.slug}`);
      await page.getByRole("link", { name: soldOut.name }).waitFor();
      await expectAccessible(page, `shop list (${label})`);
      await screenshot(page, `shop-list-${label}`);

      await page.getByRole("link", { name: voucher.name }).click();
      await page.getByTestId("price").waitFor();
      await expectAccessible(page, `shop product (${label})`);
      await screenshot(page, `shop-product-${label}`);

      await page.goto(`/s/${merchant.slug}/p/${soldOut.id}`);
      await page.getByText("该商品暂时售罄").waitFor();
      await screenshot(page, `shop-sold-out-${label}`);

      await page.goto(`/s/${merchant.slug}/p/${voucher.id}`);
      await page.getByRole("button", { name: "加入购物车" }).click();
      await page.getByTestId("cart-link").click();
      await page.getByTestId("cart-total").waitFor();
      await expectAccessible(page, `shop cart (${label})`);
      await screenshot(page, `shop-cart-${label}`);

      // The confirmation link: the token in the fragment only.
      await page.goto(`/s/${merchant.slug}/orders/${order.id}#t=${encodeURIComponent(order.accessToken)}`);
      await page.getByTestId("delivery-code").waitFor();
      await page.locator("img.qr").waitFor();
      await expectAccessible(page, `shop order page (${label})`);
      await screenshot(page, `shop-order-${label}`);
      expectNoProblems(session);
      await session.close();
    }
  });
});
