// The closed loop in a real browser: a merchant signs in, creates a product, uploads a large
// CSV of card secrets and sees the stock; a consumer on a phone buys it, pays in the sandbox,
// sees and copies the code; the merchant then finds the order and the sale on the dashboard.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createMerchant } from "./api";
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

const LINES = 20_000;

function stockCsv(prefix: string): { csv: string; first: string } {
  const rows = ["code,secret"];
  for (let i = 0; i < LINES; i++) rows.push(`${prefix}-${String(i).padStart(6, "0")},PIN${i}`);
  rows.push(`${prefix}-000007,PIN7`); // a duplicate of line 9
  rows.push(",orphan-secret"); // no code: rejected
  return { csv: `${rows.join("\n")}\n`, first: `${prefix}-000000` };
}

describe("the closed loop in the browser", () => {
  test("a merchant stocks a product, a consumer buys and copies the code, the merchant sees the sale", async () => {
    const merchant = await createMerchant();
    const productName = `游戏点卡 ${merchant.slug.slice(4)}`;
    const owner = await openSession(browser);
    const { page } = owner;

    // The merchant signs in and creates a card-secret product with Markdown instructions.
    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);
    await openAdminSection(page, /^商品$/);
    await page.getByRole("link", { name: "新建商品" }).click();
    await page.getByLabel("名称", { exact: true }).fill(productName);
    await page
      .getByLabel("使用说明（Markdown）")
      .fill(
        "1. 打开游戏，选择**充值**\n2. 输入卡号和密码\n\n<script>window.__pwned = 1</script><img src=x onerror=alert(1)>",
      );
    await page.getByLabel("规格名称").fill("100 点");
    await page.getByLabel("价格", { exact: true }).fill("19.99");
    await page.getByLabel("库存预警值").fill("5");
    await page.getByRole("button", { name: "创建商品" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain(productName);
    await expect.poll(() => page.getByRole("link", { name: productName }).count()).toBe(1);

    // It uploads 20,002 lines: chunked, with a progress bar and the summed report.
    await openAdminSection(page, /^库存$/);
    const { csv, first } = stockCsv(`E2E${merchant.slug.slice(4).toUpperCase()}`);
    await page.getByLabel("规格", { exact: true }).selectOption({ label: `${productName} · 100 点` });
    await page
      .getByLabel("CSV 文件")
      .setInputFiles({ name: "codes.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "开始上传" }).click();
    const report = page.getByTestId("import-report");
    await expect.poll(() => report.getAttribute("class"), { timeout: 120_000 }).toContain("done");
    expect(await report.getByTestId("imported").textContent()).toBe("20,000");
    expect(await report.getByTestId("duplicates").textContent()).toBe("1");
    expect(await report.getByTestId("rejected").textContent()).toBe("1");
    // The rejected line is named by its line in the file: header 1, codes 2–20001, duplicate 20002, orphan 20003.
    expect(await report.textContent()).toContain("第 20003 行");
    expect(await page.locator("progress").getAttribute("value")).toBe(String(LINES + 2));
    await expect.poll(() => page.getByTestId("stock-levels").textContent()).toContain("20,000");
    await screenshot(page, "admin-stock");

    // A consumer on a phone buys it and pays in the sandbox.
    const consumer = await openSession(browser, { viewport: PHONE });
    const shop = consumer.page;
    await shop.goto(`/s/${merchant.slug}`);
    await shop.getByRole("link", { name: productName }).click();
    expect(await shop.getByTestId("price").textContent()).toBe("¥19.99");
    // The instructions are Markdown, rendered without the raw HTML.
    expect(await shop.locator(".markdown strong").first().textContent()).toBe("充值");
    expect(await shop.locator(".markdown script, .markdown img").count()).toBe(0);
    await screenshot(shop, "shop-product-phone");
    await shop.getByRole("button", { name: "立即购买" }).click();
    await shop.getByLabel("邮箱").fill(`buyer@${merchant.slug}.example.com`);
    await screenshot(shop, "shop-cart-phone");
    await shop.getByRole("button", { name: /提交订单/ }).click();
    await shop.waitForURL(/\/pay\/sandbox\/pay_/);
    expect(await shop.getByTestId("pay-amount").textContent()).toBe("¥19.99");
    await screenshot(shop, "shop-sandbox-pay-phone");
    await shop.getByRole("button", { name: /^支付/ }).click();

    // The codes are on the order page at once, with a copy button.
    await shop.waitForURL(/\/orders\/ord_/);
    const orderId = new URL(shop.url()).pathname.split("/").pop() ?? "";
    const code = shop.getByTestId("delivery-code");
    await expect.poll(() => code.count(), { timeout: 20_000 }).toBe(1);
    const codeText = (await code.textContent()) ?? "";
    expect(codeText).toMatch(/^E2E[0-9A-Z]+-\d{6}$/);
    expect(await shop.getByTestId("delivery-secret").textContent()).toMatch(/^PIN\d+$/);
    expect(await shop.getByText("打开游戏").count()).toBeGreaterThan(0);
    await shop.getByRole("button", { name: "复制卡号" }).click();
    await expect.poll(() => shop.evaluate(() => navigator.clipboard.readText())).toBe(codeText);
    expect(await shop.getByRole("button", { name: "已复制" }).count()).toBe(1);
    await screenshot(shop, "shop-order-phone");
    const token = await shop.evaluate(
      ([slug, id]) =>
        (
          JSON.parse(localStorage.getItem(`tessera.orders.${slug}`) ?? "[]") as {
            orderId: string;
            accessToken: string;
          }[]
        ).find((order) => order.orderId === id)?.accessToken ?? "",
      [merchant.slug, orderId],
    );
    expect(token).not.toBe("");
    expectNotInUrls(consumer, token, codeText, first);
    expectNoProblems(consumer);

    // The merchant finds the order, and the sale on the dashboard.
    await openAdminSection(page, /^订单$/);
    await page.getByLabel("订单号").fill(orderId);
    await page.getByRole("button", { name: "搜索" }).click();
    const table = page.getByTestId("orders-table");
    await expect.poll(() => table.textContent()).toContain(orderId);
    expect(await table.textContent()).toContain("已发货");
    // The same order by e-mail and today's date (the browser's time zone), and not among refunds.
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
    await page.getByRole("button", { name: "清除" }).click();
    await page.getByLabel("邮箱").fill(`buyer@${merchant.slug}.example.com`);
    await page.getByLabel("开始日期").fill(today);
    await page.getByLabel("结束日期").fill(today);
    await page.getByRole("button", { name: "搜索" }).click();
    await expect.poll(() => table.textContent()).toContain(orderId);
    await page.getByLabel("状态").selectOption("refunded");
    await page.getByRole("button", { name: "搜索" }).click();
    await page.getByText("没有符合条件的订单。").waitFor();
    await page.getByLabel("状态").selectOption("");
    await page.getByRole("button", { name: "搜索" }).click();
    await page.getByRole("link", { name: orderId }).click();
    expect(await page.getByTestId("masked-code").textContent()).not.toBe(codeText);
    await openAdminSection(page, /^概览$/);
    await expect.poll(() => page.getByTestId("kpi-today-orders").textContent()).toContain("1");
    expect(await page.getByTestId("kpi-today-sales").textContent()).toContain("¥19.99");
    expect(await page.getByTestId("kpi-week-sales").textContent()).toContain("¥19.99");
    expect(await page.locator(".chart-bar").count()).toBeGreaterThan(0);
    await screenshot(page, "admin-dashboard");
    expectNoProblems(owner);

    await consumer.close();
    await owner.close();
  });
});
