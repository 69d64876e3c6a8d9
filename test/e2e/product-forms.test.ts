// The product forms in the browser: the owner sets up a licence key and a time card in the
// product editor, a buyer's order page shows what each code has left, and the partner's
// activation shows up there.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buyAndPay, call, createMerchant, type TestMerchant } from "./api";
import { expectNoProblems, launchBrowser, openAdminSection, openSession, PHONE, screenshot, signIn } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface SavedProduct {
  id: string;
  kind: string;
  skus: { id: string; policy: { uses: number; validDays: number | null; terms: Record<string, unknown> | null } }[];
}

async function productNamed(merchant: TestMerchant, name: string) {
  const list = await call<{ data: SavedProduct[] & { name: string }[] }>("GET", "/v1/admin/products?limit=100", {
    token: merchant.adminApiKey,
  });
  const found = (list.data as (SavedProduct & { name: string })[]).find((product) => product.name === name);
  if (!found) throw new Error(`no product ${name}`);
  return found;
}

describe("product forms", () => {
  test("the owner creates a licence key and a time card in the editor; the buyer's order shows the licence's seats once a partner activates it", async () => {
    const merchant = await createMerchant();
    const owner = await openSession(browser);
    const { page } = owner;
    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);

    await openAdminSection(page, /^商品$/);
    await page.getByRole("link", { name: /新建商品/ }).click();
    await page.getByLabel("名称", { exact: true }).fill("设计软件授权");
    await page.getByRole("radio", { name: /授权码/ }).check();
    await page.getByLabel("规格名称").fill("3 台设备");
    await page.getByLabel("价格", { exact: true }).fill("199");
    await page.getByLabel("设备数（席位）").fill("3");
    await page.getByRole("button", { name: "创建商品" }).click();
    await page.waitForURL(/\/admin\/catalog$/);

    await page.getByRole("link", { name: /新建商品/ }).click();
    await page.getByLabel("名称", { exact: true }).fill("健身房周末卡");
    await page.getByRole("radio", { name: /时长卡/ }).check();
    await page.getByLabel("规格名称").fill("30 天");
    await page.getByLabel("价格", { exact: true }).fill("299");
    await page.getByLabel("有效时长").fill("30");
    for (const day of ["周一", "周二", "周三", "周四", "周五"]) await page.getByLabel(day).uncheck();
    await page.getByLabel("可用时段起").fill("08:00");
    await page.getByLabel("可用时段止").fill("22:00");
    await page.getByLabel("时区").fill("Asia/Shanghai");
    await screenshot(page, "admin-product-time-card");
    await page.getByRole("button", { name: "创建商品" }).click();
    await page.waitForURL(/\/admin\/catalog$/);

    const licence = await productNamed(merchant, "设计软件授权");
    expect(licence.kind).toBe("licence");
    expect(licence.skus[0]?.policy.terms).toEqual({ form: "seats", seats: 3 });
    const pass = await productNamed(merchant, "健身房周末卡");
    expect(pass.kind).toBe("time_card");
    expect(pass.skus[0]?.policy.terms).toEqual({
      form: "time",
      durationSeconds: 30 * 86_400,
      start: "activation",
      weekdays: [6, 7],
      hours: { from: "08:00", to: "22:00" },
      timeZone: "Asia/Shanghai",
    });
    expectNoProblems(owner);
    await owner.close();

    // A buyer's licence, activated on one device by the partner's app.
    const order = await buyAndPay(merchant, licence.skus[0]?.id ?? "");
    const code = order.deliveries?.[0]?.code ?? "";
    const partner = await call<{ apiKey: string }>("POST", "/v1/admin/partners", {
      token: merchant.adminApiKey,
      json: { name: "Design app" },
      idempotencyKey: crypto.randomUUID(),
    });
    await call("POST", "/v1/partner/activations", { token: partner.apiKey, json: { code, deviceId: "laptop-1" } });

    const buyer = await openSession(browser, { viewport: PHONE });
    await buyer.page.goto(`/s/${merchant.slug}/orders/${order.id}#t=${encodeURIComponent(order.accessToken)}`);
    const usage = buyer.page.getByTestId("code-usage");
    await expect
      .poll(
        async () => {
          await buyer.page.reload();
          await buyer.page.getByTestId("delivery").first().waitFor();
          return (await usage.count()) > 0 ? usage.first().textContent() : "";
        },
        { timeout: 20_000, interval: 500 },
      )
      .toContain("已激活 1 / 3 台设备");
    expect(await buyer.page.getByText("授权码", { exact: true }).count()).toBeGreaterThan(0);
    await screenshot(buyer.page, "shop-order-licence-phone");
    expectNoProblems(buyer);
    await buyer.close();
  });
});
