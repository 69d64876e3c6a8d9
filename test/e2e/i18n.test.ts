// Both apps speak Simplified Chinese by default and English on request; the choice sticks, and
// money and dates follow the language.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cny, createMerchant, createProduct } from "./api";
import { expectNoProblems, launchBrowser, openSession, screenshot } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("language", () => {
  test("switching language changes the shop and the admin interface, and the choice is kept", async () => {
    const merchant = await createMerchant();
    await createProduct(merchant, {
      name: "Coffee voucher",
      kind: "voucher",
      skus: [{ name: "One cup", price: cny(2500), policy: { uses: 1 } }],
    });
    const visitor = await openSession(browser, { locale: "en-US" });
    const { page } = visitor;

    // Chinese by default, even for a browser that prefers English.
    await page.goto(`/s/${merchant.slug}`);
    const nav = page.getByRole("navigation", { name: /店铺|Shop/ });
    await expect.poll(() => nav.textContent()).toContain("购物车");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    expect(await page.locator(".product-price").first().textContent()).toBe("¥25.00");

    await page.getByRole("button", { name: "English" }).click();
    await expect.poll(() => nav.textContent()).toContain("Cart");
    expect(await nav.textContent()).toContain("My orders");
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    expect(await page.locator(".product-price").first().textContent()).toBe("CN¥25.00");
    expect(await page.getByRole("button", { name: "English" }).getAttribute("aria-pressed")).toBe("true");
    await screenshot(page, "shop-list-english");

    // Kept across a reload and in the admin app.
    await page.reload();
    await expect.poll(() => nav.textContent()).toContain("Cart");
    await page.goto("/admin/sign-in");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Sign in");
    await page.getByRole("button", { name: "中文" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("登录");
    expect(await page.getByLabel("邮箱").count()).toBe(1);
    expectNoProblems(visitor);
    await visitor.close();
  });

  test("a merchant whose locale is English gets an English shop by default", async () => {
    const merchant = await createMerchant({ locale: "en", name: "Corner Store" });
    const visitor = await openSession(browser);
    await visitor.page.goto(`/s/${merchant.slug}`);
    const nav = visitor.page.getByRole("navigation", { name: /店铺|Shop/ });
    await expect.poll(() => nav.textContent()).toContain("Cart");
    expectNoProblems(visitor);
    await visitor.close();
  });
});
