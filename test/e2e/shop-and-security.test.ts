// The pages' security (headers, CSP, tokens only in fragments, CSRF, session expiry) and the
// shop's own loop around an order: a failed payment, paying again, finding the order from
// another device, buying again and asking for help.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { call, cny, createMerchant, createProduct, importStock } from "./api";
import {
  expectNoProblems,
  expectNotInUrls,
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

describe("security of the pages", () => {
  test("every page is served with a strict CSP and the other security headers, and holds no inline code", async () => {
    for (const path of [
      "/",
      "/admin",
      "/admin/orders/ord_x",
      "/s/demo",
      "/s/demo/orders/ord_x",
      "/s/demo/pay/sandbox/pay_x",
    ]) {
      const res = await fetch(`${inject("baseUrl")}${path}`);
      expect(res.status, path).toBe(200);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-eval");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("permissions-policy")).toContain("geolocation=()");
      const html = await res.text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    }
    // Built assets carry the headers too, and the headers file itself is not served.
    const index = await (await fetch(`${inject("baseUrl")}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1] ?? "";
    const asset = await fetch(`${inject("baseUrl")}${script}`);
    expect(asset.headers.get("content-type")).toContain("javascript");
    expect(asset.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await (await fetch(`${inject("baseUrl")}/_headers`)).text()).not.toContain("Content-Security-Policy");
  });

  test("cookie writes need the CSRF token, and an ended session sends staff back to sign in", async () => {
    const merchant = await createMerchant();
    const session = await openSession(browser);
    const { page } = session;
    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);
    const withoutToken = await page.evaluate(async () => {
      const res = await fetch("/v1/admin/partners", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Forged" }),
      });
      return { status: res.status, code: (await res.json()).code };
    });
    expect(withoutToken).toEqual({ status: 403, code: "csrf_failed" });

    // The session ends elsewhere (another tab signs out): the next request returns to sign-in.
    const signedOut = await page.evaluate(async () => {
      const csrfToken = JSON.parse(sessionStorage.getItem("tessera.admin.session") ?? "{}").me?.csrfToken ?? "";
      const res = await fetch("/v1/admin/sessions/current", {
        method: "DELETE",
        headers: { "x-csrf-token": csrfToken },
      });
      return res.status;
    });
    expect(signedOut).toBe(204);
    await openAdminSection(page, /^订单$/);
    await page.waitForURL((url) => url.pathname === "/admin/sign-in");
    await expect.poll(() => page.getByText("登录已过期").count()).toBe(1);
    await screenshot(page, "admin-session-expired");

    // Signing in again goes back to where the staff member was.
    await page.getByLabel("邮箱").fill(merchant.ownerEmail);
    await page.getByLabel("密码").fill(merchant.ownerPassword);
    await page.getByRole("button", { name: "登录" }).click();
    await page.waitForURL((url) => url.pathname === "/admin/orders");
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.waitForURL((url) => url.pathname === "/admin/sign-in");
    await expect.poll(() => page.getByText("你已退出登录").count()).toBe(1);
    expectNoProblems(session);
    await session.close();
  });

  test("wrong passwords lock the account with a clear message", async () => {
    const merchant = await createMerchant();
    const session = await openSession(browser);
    const { page } = session;
    await page.goto("/admin/sign-in");
    await page.getByLabel("邮箱").fill(merchant.ownerEmail);
    await page.getByLabel("密码").fill("not-the-password");
    const alert = page.getByRole("alert");
    for (let attempt = 0; attempt < 5; attempt++) {
      await page.getByRole("button", { name: "登录" }).click();
      await expect.poll(() => page.getByRole("button", { name: "登录" }).isEnabled()).toBe(true);
    }
    expect(await alert.textContent()).toMatch(/邮箱或密码错误|锁定/);
    await page.getByRole("button", { name: "登录" }).click();
    await expect.poll(() => alert.textContent()).toContain("锁定");
    await screenshot(page, "admin-sign-in-locked");
    await session.close();
  });
});

describe("the shop around an order", () => {
  test("a failed payment, paying again, the access link, lookup on another device, rebuy and help", async () => {
    const merchant = await createMerchant();
    const product = await createProduct(merchant, {
      name: "Car wash pass",
      kind: "voucher",
      instructions: "Show the QR code at the car wash.",
      skus: [{ name: "5 washes", price: cny(9900), policy: { uses: 5, validDays: 90 } }],
    });
    const email = `buyer@${merchant.slug}.example.com`;
    const buyer = await openSession(browser, { viewport: PHONE });
    const { page } = buyer;
    await page.goto(`/s/${merchant.slug}/p/${product.id}`);
    await page.getByRole("button", { name: "立即购买" }).click();
    await page.getByLabel("邮箱").fill(email);
    await page.getByRole("button", { name: /提交订单/ }).click();
    await page.waitForURL(/\/pay\/sandbox\//);

    await page.getByRole("button", { name: "模拟支付失败" }).click();
    await page.waitForURL(/\/orders\/ord_/);
    const orderId = new URL(page.url()).pathname.split("/").pop() ?? "";
    await expect.poll(() => page.getByText("支付失败", { exact: true }).count()).toBeGreaterThan(0);
    await screenshot(page, "shop-payment-failed-phone");

    await page.getByRole("link", { name: "重新支付" }).click();
    await page.getByRole("button", { name: /^支付/ }).click();
    await page.waitForURL(/\/orders\/ord_/);
    await page.getByTestId("delivery-code").waitFor({ timeout: 20_000 });
    const code = (await page.getByTestId("delivery-code").textContent()) ?? "";
    expect(await page.locator("img.qr").getAttribute("alt")).toContain(code);
    expect(await page.locator("img.qr").getAttribute("src")).toMatch(/^data:image\/png;base64,/);

    // The private access link carries the token in its fragment only.
    await page.getByRole("button", { name: "复制私密链接" }).click();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    const url = new URL(link);
    expect(url.pathname).toBe(`/s/${merchant.slug}/orders/${orderId}`);
    expect(url.search).toBe("");
    const token = new URLSearchParams(url.hash.slice(1)).get("t") ?? "";
    expect(token.length).toBeGreaterThan(10);

    // Another device opens the link: it works, and the fragment leaves the address bar.
    const other = await openSession(browser);
    await other.page.goto(link);
    await other.page.getByTestId("delivery-code").waitFor();
    expect(new URL(other.page.url()).hash).toBe("");
    expect(await other.page.getByTestId("delivery-code").textContent()).toBe(code);
    expectNotInUrls(other, token, code);
    await other.close();

    // A third device finds it by e-mail and order number.
    const third = await openSession(browser);
    await third.page.goto(`/s/${merchant.slug}/orders`);
    await third.page.getByLabel("邮箱").fill(email);
    await third.page.getByLabel("订单号").fill(orderId);
    await third.page.getByRole("button", { name: "查找订单" }).click();
    await third.page.getByTestId("delivery-code").waitFor();
    expect(await third.page.getByTestId("delivery-code").textContent()).toBe(code);
    await third.page.goto(`/s/${merchant.slug}/orders`);
    await third.page.getByLabel("邮箱").fill(email);
    await third.page.getByLabel("订单号").fill("ord_00000000000000000000000000");
    await third.page.getByRole("button", { name: "查找订单" }).click();
    await expect.poll(() => third.page.getByText("没有与该邮箱和订单号匹配的订单").count()).toBe(1);
    expectNotInUrls(third, code);
    await third.close();

    // Help reaches the merchant; rebuy fills the cart.
    await page.getByLabel("问题描述").fill("The car wash did not accept the code.");
    await page.getByRole("button", { name: "提交" }).click();
    await expect.poll(() => page.getByText(/已提交/).count()).toBe(1);
    await page.getByRole("button", { name: "再次购买" }).click();
    await page.waitForURL(/\/cart$/);
    expect(await page.getByTestId("cart-total").textContent()).toBe("¥99.00");
    expectNotInUrls(buyer, token, code);
    expectNoProblems(buyer);
    await buyer.close();

    const owner = await openSession(browser);
    await signIn(owner.page, merchant.ownerEmail, merchant.ownerPassword);
    await openAdminSection(owner.page, /^售后工单$/);
    await expect.poll(() => owner.page.locator(".ticket-list").textContent()).toContain("did not accept");
    await owner.close();
  });

  test("the last unit sold to someone else: the product and the cart say sold out", async () => {
    const merchant = await createMerchant();
    const product = await createProduct(merchant, {
      name: "Last card",
      kind: "card_secret",
      skus: [{ name: "One", price: cny(500) }],
    });
    const skuId = product.skus[0]?.id ?? "";
    await importStock(merchant, skuId, "code\nLAST-0001\n");
    const buyer = await openSession(browser, { viewport: PHONE });
    const { page } = buyer;
    await page.goto(`/s/${merchant.slug}/p/${product.id}`);
    await page.getByText("剩余 1").waitFor();
    await page.getByRole("button", { name: "加入购物车" }).click();

    // Someone else reserves the last unit.
    await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      json: { email: "other@example.com", items: [{ skuId, quantity: 1 }] },
    });
    await page.getByTestId("cart-link").click();
    await page.getByText("库存不足以满足该数量。").waitFor();
    expect(await page.getByRole("button", { name: /提交订单/ }).isDisabled()).toBe(true);
    await page.goto(`/s/${merchant.slug}`);
    await page.locator(".product-card", { hasText: "Last card" }).getByText("已售罄").waitFor();
    await screenshot(page, "shop-sold-out-list-phone");
    expectNoProblems(buyer);
    await buyer.close();
  });
});
