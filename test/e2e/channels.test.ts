// An owner opens the channels pages: adds a reseller, offers it a product at a wholesale price
// with a quota, issues its key (shown once) and tops up its balance; the reseller buys through
// the channel API with that key, and the owner sees the debit in the ledger. A mini-program
// gets its publishable key and its own price, which the shop API then answers with.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { call, cny, createMerchant, createProduct, type HttpError } from "./api";
import {
  expectAccessible,
  expectNoProblems,
  launchBrowser,
  openAdminSection,
  openSession,
  screenshot,
  signIn,
} from "./browser";

let browser: Awaited<ReturnType<typeof launchBrowser>>;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function addChannel(page: Page, kind: "reseller" | "mini_program", name: string, email?: string) {
  await openAdminSection(page, /^渠道$/);
  await page.getByRole("heading", { level: 1, name: "渠道与代理" }).waitFor();
  await page.getByLabel("类型").selectOption(kind);
  await page.getByLabel("名称").fill(name);
  if (email) await page.getByLabel("联系邮箱").fill(email);
  await page.getByRole("button", { name: "添加渠道" }).click();
  await page.getByRole("link", { name }).click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
}

async function savePrice(page: Page, productName: string, price: string, quota?: string) {
  const label = `${productName} · 标准`;
  await page.getByLabel(`${label} 的渠道价`).waitFor();
  // Only a reseller's list has the box: a consumer channel sells every listed product.
  const offer = page.getByLabel(`向该渠道供货 ${label}`);
  if (await offer.count()) await offer.check();
  await page.getByLabel(`${label} 的渠道价`).fill(price);
  if (quota) await page.getByLabel(`${label} 的配额`).fill(quota);
  await page.getByRole("button", { name: "保存价格表" }).click();
  await page.getByText("已保存").waitFor();
}

describe("channels in the admin app", () => {
  test("a reseller: wholesale price and quota, a key shown once, a top-up, and its order in the ledger", async () => {
    const merchant = await createMerchant();
    const product = await createProduct(merchant, {
      name: "视频会员月卡",
      kind: "voucher",
      instructions: "在 App 内兑换",
      skus: [{ name: "标准", price: cny(1500) }],
    });
    const skuId = product.skus[0]?.id as string;
    const owner = await openSession(browser);
    const { page } = owner;
    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);

    await addChannel(page, "reseller", "华东代理", `agent@${merchant.slug}.example.com`);
    await savePrice(page, product.name, "8.00", "5");
    const row = page.locator(`tr[data-sku="${skuId}"]`);
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain("剩 5");

    await page.getByRole("button", { name: "新建密钥" }).click();
    const keyField = page.locator(".notice-warning input[readonly]");
    await keyField.waitFor();
    const apiKey = await keyField.inputValue();
    expect(apiKey).toMatch(/^tess_channel_/);

    await page.getByLabel("金额（CNY）").fill("100.00");
    await page.getByLabel("备注（转账流水号等）").fill("转账 20261201");
    await page.getByRole("button", { name: "充值" }).click();
    await expect.poll(() => page.getByTestId("balance").textContent(), { timeout: 10_000 }).toContain("100.00");
    await expect
      .poll(() => page.getByTestId("balance-ledger").textContent(), { timeout: 10_000 })
      .toContain("转账 20261201");

    const catalog = await call<{ data: { skus: { id: string; price: { amount: number } }[] }[] }>(
      "GET",
      "/v1/channel/catalog",
      { token: apiKey },
    );
    expect(catalog.data[0]?.skus[0]).toMatchObject({ id: skuId, price: { amount: 800 } });
    const order = await call<{ id: string; status: string; deliveries: unknown[] }>("POST", "/v1/channel/orders", {
      token: apiKey,
      json: { items: [{ skuId, quantity: 2 }] },
    });
    expect(order.status).toBe("fulfilled");
    expect(order.deliveries).toHaveLength(2);

    await page.reload();
    await expect.poll(() => page.getByTestId("balance").textContent(), { timeout: 10_000 }).toContain("84.00");
    const ledger = page.getByTestId("balance-ledger");
    await expect.poll(() => ledger.textContent(), { timeout: 10_000 }).toContain(order.id);
    expect(await ledger.textContent()).toContain("下单扣款");
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain("剩 3");
    await screenshot(page, "admin-channel-reseller");
    await expectAccessible(page, "reseller channel page");
    expect(await page.content()).not.toContain(apiKey);
    expectNoProblems(owner);
    await owner.close();
  });

  test("a mini-program: its publishable key and its own price, which the shop API answers with that key", async () => {
    const merchant = await createMerchant();
    const product = await createProduct(merchant, {
      name: "洗车次卡",
      kind: "voucher",
      skus: [{ name: "标准", price: cny(1000) }],
    });
    const owner = await openSession(browser);
    const { page } = owner;
    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);
    await addChannel(page, "mini_program", "微信小程序");
    const publishableKey = (await page.getByTestId("publishable-key").textContent()) ?? "";
    expect(publishableKey).toMatch(/^tess_pk_/);
    await savePrice(page, product.name, "9.50");

    type Listing = { data: { skus: { price: { amount: number } }[] }[] };
    const listing = (headers: Record<string, string> = {}) =>
      call<Listing>("GET", `/v1/shops/${merchant.slug}/products`, { headers });
    const viaMini = await listing({ "x-channel-key": publishableKey });
    expect(viaMini.data[0]?.skus[0]?.price.amount).toBe(950);
    const viaShop = await listing();
    expect(viaShop.data[0]?.skus[0]?.price.amount).toBe(1000);

    await page.getByRole("button", { name: "暂停" }).click();
    await page.getByRole("button", { name: "恢复" }).waitFor();
    const refused = await listing({ "x-channel-key": publishableKey }).catch((error: HttpError) => error.status);
    expect(refused).toBe(404);
    await screenshot(page, "admin-channel-mini-program");
    expectNoProblems(owner);
    await owner.close();
  });
});
