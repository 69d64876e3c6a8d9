// An owner runs the shop's back office in the browser: invites a finance colleague (the token
// is shown once and accepted on its own page), changes and removes roles, issues and revokes
// partner keys (shown once), resends and refunds an order, and turns on two-step sign-in.
import { createHmac } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { buyAndPay, call, cny, createMerchant, createProduct, type HttpError } from "./api";
import { expectNoProblems, launchBrowser, openAdminSection, openSession, screenshot, signIn } from "./browser";

let browser: Awaited<ReturnType<typeof launchBrowser>>;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** RFC 6238 (SHA-1, 30 s, 6 digits) over a base32 secret: what an authenticator app shows. */
function totp(secret: string, atMs: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of secret.replace(/=+$/, "").toUpperCase())
    bits += alphabet.indexOf(char).toString(2).padStart(5, "0");
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

async function shownOnce(page: Page): Promise<string> {
  const field = page.locator(".notice-warning input[readonly]");
  await field.waitFor();
  return field.inputValue();
}

describe("the owner's back office", () => {
  test("staff: invite with a role, accept the invitation, change the role, remove", async () => {
    const merchant = await createMerchant();
    const owner = await openSession(browser);
    const { page } = owner;
    page.on("dialog", (dialog) => void dialog.accept());
    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);
    await openAdminSection(page, /^员工$/);
    const email = `finance@${merchant.slug}.example.com`;
    await page.getByLabel("邮箱").fill(email);
    await page.getByLabel("姓名").fill("Fang");
    await page.getByLabel("角色", { exact: true }).selectOption("finance");
    await page.getByRole("button", { name: "邀请" }).click();
    const token = await shownOnce(page);
    expect(token.length).toBeGreaterThan(20);
    await expect.poll(() => page.locator("table").textContent()).toContain(email);
    await screenshot(page, "admin-staff");

    const colleague = await openSession(browser);
    await colleague.page.goto("/admin/accept-invite");
    await colleague.page.getByLabel("邀请令牌").fill(token);
    await colleague.page.getByLabel("新密码").fill("finance-password-1");
    await colleague.page.getByLabel("再次输入密码").fill("finance-password-1");
    await colleague.page.getByRole("button", { name: "设置密码" }).click();
    await colleague.page.getByText("密码已设置").waitFor();
    await signIn(colleague.page, email, "finance-password-1");
    const nav = colleague.page.getByRole("navigation", { name: "后台导航" });
    expect(await nav.getByRole("link", { name: "订单" }).count()).toBe(1);
    expect(await nav.getByRole("link", { name: "核销台" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "合作方与密钥" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "员工" }).count()).toBe(0);
    await openAdminSection(colleague.page, /^商品$/);
    await colleague.page.getByRole("heading", { level: 1, name: "商品" }).waitFor();
    expect(await colleague.page.getByRole("link", { name: "新建商品" }).count()).toBe(0);
    expectNoProblems(colleague);
    await colleague.close();

    await page.reload();
    await page.getByLabel(`${email} 的角色`).selectOption("support");
    await expect.poll(() => page.getByLabel(`${email} 的角色`).inputValue()).toBe("support");
    await page.reload();
    await expect.poll(() => page.getByLabel(`${email} 的角色`).inputValue()).toBe("support");
    await page.locator("tr", { hasText: email }).getByRole("button", { name: "删除" }).click();
    await expect.poll(() => page.locator("table").textContent()).not.toContain(email);
    expectNoProblems(owner);
    await owner.close();
  });

  test("partners: a key is shown once, works, and stops working when revoked", async () => {
    const merchant = await createMerchant();
    const owner = await openSession(browser);
    const { page } = owner;
    page.on("dialog", (dialog) => void dialog.accept());
    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);
    await openAdminSection(page, /^合作方与密钥$/);
    await page.getByLabel("合作方名称").fill("街角咖啡");
    await page.getByRole("button", { name: "创建合作方" }).click();
    const key = await shownOnce(page);
    expect(key).toMatch(/^tess_partner_/);
    await page.locator(".notice-warning").getByRole("button", { name: "复制" }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await screenshot(page, "admin-partners");

    const verify = (apiKey: string) =>
      call("POST", "/v1/partner/verifications", { token: apiKey, json: { code: "0000-0000-0000-0000-0000" } }).catch(
        (error: HttpError) => error.status,
      );
    expect(await verify(key)).toBe(404); // a valid key: the code is simply unknown

    await page.getByRole("button", { name: "吊销" }).click();
    await expect.poll(() => page.locator(".card", { hasText: "街角咖啡" }).textContent()).toContain("已于");
    expect(await verify(key)).toBe(401);
    // The page never shows the key again.
    await page.reload();
    await page.getByRole("heading", { name: "街角咖啡" }).waitFor();
    expect(await page.content()).not.toContain(key);
    expectNoProblems(owner);
    await owner.close();
  });

  test("orders: resend the delivery, then refund; the buyer sees the refund", async () => {
    const merchant = await createMerchant();
    const product = await createProduct(merchant, {
      name: "Coffee",
      kind: "voucher",
      skus: [{ name: "One cup", price: cny(2500), policy: { uses: 1 } }],
    });
    const order = await buyAndPay(merchant, product.skus[0]?.id ?? "");
    const owner = await openSession(browser);
    const { page } = owner;
    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);
    await page.goto(`/admin/orders/${order.id}`);
    await page.getByRole("button", { name: "重新发送发货邮件" }).click();
    await page.getByText("发货邮件已重新排队发送").waitFor();
    await page.getByRole("button", { name: "退款" }).click();
    await page.getByLabel("退款原因").fill("Customer changed their mind");
    await page.getByRole("button", { name: "确认退款" }).click();
    await page.getByText("订单已退款。").waitFor();
    await expect.poll(() => page.locator(".facts").first().textContent()).toContain("已退款");
    await screenshot(page, "admin-order-refunded");
    expectNoProblems(owner);
    await owner.close();

    const buyer = await openSession(browser);
    await buyer.page.goto(`/s/${merchant.slug}/orders/${order.id}#t=${encodeURIComponent(order.accessToken)}`);
    await buyer.page.getByText("订单已退款", { exact: true }).waitFor();
    expect(await buyer.page.getByTestId("delivery-code").count()).toBe(0);
    await buyer.close();
  });

  test("catalog: edit a product's texts, image and listing, add a SKU and change a price", async () => {
    const merchant = await createMerchant();
    const product = await createProduct(merchant, {
      name: "Car wash",
      kind: "voucher",
      skus: [{ name: "5 washes", price: cny(9900), policy: { uses: 5 } }],
    });
    const owner = await openSession(browser);
    const { page } = owner;
    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);
    await openAdminSection(page, /^商品$/);
    await page.getByRole("link", { name: "Car wash" }).click();
    expect(await page.getByRole("radio", { name: /次卡/ }).isChecked()).toBe(true);
    await page.getByLabel("名称", { exact: true }).fill("洗车次卡");
    await page.getByLabel("使用说明（Markdown）").fill("## 到店使用\n\n出示**二维码**即可。");
    await page.getByRole("button", { name: "预览" }).click();
    expect(await page.locator(".preview h2").textContent()).toBe("到店使用");
    await page.getByLabel("图片地址").fill("http://insecure.example.com/a.png");
    await page.getByText("请使用 https:// 地址。").waitFor();
    await page.getByLabel("图片地址").fill("");
    await page.getByLabel("在店铺中上架").uncheck();
    await page.getByRole("button", { name: "保存", exact: true }).first().click();
    await page.getByRole("heading", { level: 1, name: "洗车次卡" }).waitFor();

    // A new SKU, and a new price for the first one.
    await page.getByRole("button", { name: "添加规格" }).click();
    const adding = page.locator("form", { has: page.getByRole("button", { name: "添加规格" }) }).last();
    await adding.getByLabel("规格名称").fill("10 washes");
    await adding.getByLabel("价格", { exact: true }).fill("180");
    await adding.getByLabel("可用次数").fill("10");
    await adding.getByRole("button", { name: "添加规格" }).click();
    await expect.poll(() => page.locator(".sku-existing").count()).toBe(2);
    const first = page.locator(".sku-existing").first();
    await first.getByLabel("价格", { exact: true }).fill("88.00");
    await first.getByRole("button", { name: "保存", exact: true }).click();
    await first.getByText("已保存").waitFor();
    await screenshot(page, "admin-product-edit");

    const listed = await call<{ data: { id: string }[] }>("GET", `/v1/shops/${merchant.slug}/products`);
    expect(listed.data.map((p) => p.id)).not.toContain(product.id);
    const saved = await call<{
      name: string;
      instructions: string;
      listed: boolean;
      skus: { name: string; price: { amount: number }; policy: { uses: number } }[];
    }>("GET", `/v1/admin/products/${product.id}`, { token: merchant.adminApiKey });
    expect(saved).toMatchObject({ name: "洗车次卡", listed: false });
    expect(saved.instructions).toContain("**二维码**");
    expect(saved.skus.map((sku) => [sku.name, sku.price.amount, sku.policy.uses])).toEqual([
      ["5 washes", 8800, 5],
      ["10 washes", 18000, 10],
    ]);
    expectNoProblems(owner);
    await owner.close();
  });

  test("two-step sign-in: turned on from the account page, then asked for at sign-in", async () => {
    const merchant = await createMerchant();
    const owner = await openSession(browser);
    const { page } = owner;
    await signIn(page, merchant.ownerEmail, merchant.ownerPassword);
    await page.getByRole("link", { name: /所有者/ }).click();
    await page.getByRole("button", { name: "开启两步验证" }).click();
    const secret = (await page.getByTestId("totp-secret").textContent()) ?? "";
    await page.locator("img.qr").waitFor();
    await page.getByLabel("动态验证码").fill(totp(secret, Date.now()));
    await page.getByRole("button", { name: "开启", exact: true }).click();
    await page.getByText("两步验证已开启。").first().waitFor();
    await page.getByRole("button", { name: "退出登录" }).click();

    await page.getByLabel("邮箱").fill(merchant.ownerEmail);
    await page.getByLabel("密码").fill(merchant.ownerPassword);
    await page.getByRole("button", { name: "登录" }).click();
    const code = page.getByLabel("动态验证码");
    await code.waitFor();
    await screenshot(page, "admin-sign-in-totp");
    // The step after the one used to turn it on: a code is good once.
    await code.fill(totp(secret, Date.now() + 30_000));
    await page.getByRole("button", { name: "登录" }).click();
    await page.waitForURL((url) => url.pathname === "/admin");
    await page.getByTestId("kpi-today-orders").waitFor();
    expect(inject("baseUrl")).toContain("127.0.0.1");
    expectNoProblems(owner);
    await owner.close();
  });
});
