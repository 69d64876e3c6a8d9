// The manual redemption desk (核销台): a staff member types a customer's voucher code, sees
// that it is valid, redeems it once, and the second attempt is refused in plain words.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buyAndPay, cny, createMerchant, createProduct } from "./api";
import { expectNoProblems, launchBrowser, openAdminSection, openSession, PHONE, screenshot, signIn } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("the redemption desk", () => {
  test("redeems a single-use voucher once, refuses it the second time, and a reversal gives the use back", async () => {
    const merchant = await createMerchant();
    const product = await createProduct(merchant, {
      name: "咖啡兑换券",
      kind: "voucher",
      instructions: "到店出示券码",
      skus: [{ name: "单次券", price: cny(2500), policy: { uses: 1, validDays: 30 } }],
    });
    const order = await buyAndPay(merchant, product.skus[0]?.id ?? "");
    const code = order.deliveries?.[0]?.code ?? "";
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);

    // At the counter, on a phone.
    const staff = await openSession(browser, { viewport: PHONE });
    const { page } = staff;
    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);
    await openAdminSection(page, /^核销台$/);
    // Typed the way a customer reads it out: lower case, spaces instead of dashes.
    await page.getByLabel("券码").fill(code.toLowerCase().replaceAll("-", " "));
    await page.getByLabel("门店").fill("store-12");
    await page.getByRole("button", { name: "查询" }).click();
    const status = page.getByTestId("desk-status");
    await expect.poll(() => status.textContent()).toContain("有效");
    expect(await page.getByTestId("remaining-uses").textContent()).toBe("1");
    expect(await status.textContent()).toContain("咖啡兑换券");

    await page.getByRole("button", { name: "核销", exact: true }).click();
    const outcome = page.getByTestId("desk-outcome");
    await expect.poll(() => outcome.textContent()).toContain("核销成功");
    expect(await outcome.textContent()).toContain("剩余次数：0");
    await screenshot(page, "admin-desk-redeemed-phone");

    await page.getByRole("button", { name: "核销", exact: true }).click();
    await expect.poll(() => outcome.textContent()).toContain("核销被拒绝");
    expect(await outcome.textContent()).toContain("该券码已使用");
    expect(await outcome.getAttribute("role")).toBe("alert");
    await screenshot(page, "admin-desk-refused-phone");

    // The redemption is in the table, attributed to the desk at store-12.
    await openAdminSection(page, /^核销记录$/);
    // The table reads a model that follows the code's ledger within moments.
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.locator("table, .empty").first().waitFor();
          return (await page.locator("table").count()) > 0 ? page.locator("table").textContent() : "";
        },
        { timeout: 20_000, interval: 500 },
      )
      .toContain("store-12");
    expect(await page.locator("tbody tr").count()).toBe(1);

    // A mistaken redemption is reversed from the table, and the code can be used again.
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "撤销" }).click();
    await page.getByText("核销已撤销。").waitFor();
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.locator("table, .empty").first().waitFor();
          return page.locator("tbody tr").first().textContent();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toContain("已撤销");
    await openAdminSection(page, /^核销台$/);
    await page.getByLabel("券码").fill(code);
    await page.getByRole("button", { name: "查询" }).click();
    await expect.poll(() => page.getByTestId("remaining-uses").textContent()).toBe("1");
    expectNoProblems(staff);
    await staff.close();
  });

  test("spends a stored-value card in part, shows its balance and history, and refuses more than is left", async () => {
    const merchant = await createMerchant();
    const product = await createProduct(merchant, {
      name: "礼品储值卡",
      kind: "stored_value",
      instructions: "结账时出示卡号",
      skus: [{ name: "100 元", price: cny(9500), policy: { terms: { form: "balance", balance: 10_000 } } }],
    });
    const order = await buyAndPay(merchant, product.skus[0]?.id ?? "");
    const code = order.deliveries?.[0]?.code ?? "";

    const staff = await openSession(browser, { viewport: PHONE });
    const { page } = staff;
    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);
    await openAdminSection(page, /^核销台$/);
    await page.getByLabel("券码").fill(code);
    await page.getByRole("button", { name: "查询" }).click();
    const balance = page.getByTestId("balance");
    await expect.poll(() => balance.textContent()).toContain("100.00");

    // The amount field appears for stored value only; 30.50 is spent from the 100.00.
    await page.getByLabel(/^消费金额/).fill("30.50");
    await page.getByRole("button", { name: "核销", exact: true }).click();
    const outcome = page.getByTestId("desk-outcome");
    await expect.poll(() => outcome.textContent()).toContain("核销成功");
    expect(await outcome.textContent()).toContain("69.50");
    await expect.poll(() => balance.textContent()).toContain("69.50");
    const history = page.getByTestId("history");
    await expect.poll(() => history.locator("tbody tr").count()).toBe(1);
    expect(await history.textContent()).toContain("30.50");
    await screenshot(page, "admin-desk-stored-value-phone");

    await page.getByLabel(/^消费金额/).fill("70");
    await page.getByRole("button", { name: "核销", exact: true }).click();
    await expect.poll(() => outcome.textContent()).toContain("核销被拒绝");
    expect(await outcome.textContent()).toContain("金额超过卡内余额");
    expect(await balance.textContent()).toContain("69.50");
    expectNoProblems(staff);
    await staff.close();
  });
});
