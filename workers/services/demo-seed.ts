import { apiKeys, products } from "@tessera/db/schema";
import { sha256Hex } from "@tessera/domain";
import { and, eq } from "drizzle-orm";
import type { ServiceContext } from "../context";
import { ApiError } from "../errors";
import { createProduct, type NewProduct } from "./catalog";
import { createMerchant, merchantBySlug } from "./merchants";
import { createPartner } from "./partners";
import { importStock } from "./stock";

export const DEMO_SLUG = "demo";

const DEMO_PRODUCTS: NewProduct[] = [
  {
    name: "视频会员月卡 Video membership (1 month)",
    kind: "card_secret",
    description: "30 天视频会员激活码。A 30-day video membership activation code.",
    instructions:
      "打开视频 App → 我的 → 兑换码，输入卡密即可激活。\nOpen the video app → Me → Redeem, and enter the code.",
    skus: [{ name: "月卡 Monthly", price: { amount: 1990, currency: "CNY" } }],
  },
  {
    name: "咖啡兑换券 Coffee voucher",
    kind: "voucher",
    description: "任意门店兑换一杯中杯咖啡。One medium coffee at any partner café.",
    instructions: "到店出示券码或二维码，店员核销后即可领取。Show the code at the counter.",
    skus: [{ name: "单次券 Single use", price: { amount: 2500, currency: "CNY" }, policy: { uses: 1, validDays: 90 } }],
  },
  {
    name: "洗车次卡 Car wash pass (5 washes)",
    kind: "voucher",
    description: "五次洗车，一年内有效。Five washes within a year.",
    instructions: "每次到店核销一次。One redemption per visit.",
    skus: [{ name: "5 次卡 5 uses", price: { amount: 9900, currency: "CNY" }, policy: { uses: 5, validDays: 365 } }],
  },
];

/**
 * Seeds the demo merchant for local development. Safe to run on every start: each piece is
 * created only when missing, and the 100 demo card secrets are fixed strings, so the
 * StockKeeper's duplicate check keeps a re-run from adding any.
 */
export async function seedDemo(ctx: ServiceContext) {
  const { demo, environment } = ctx.config;
  if (environment === "production") throw new ApiError("forbidden", "Demo data is for development only");
  if (!demo.adminApiKey || !demo.partnerApiKey || !demo.staffEmail || !demo.staffPassword) {
    throw new ApiError(
      "conflict",
      "Set DEMO_ADMIN_API_KEY, DEMO_PARTNER_API_KEY, DEMO_STAFF_EMAIL and DEMO_STAFF_PASSWORD",
    );
  }
  const merchant =
    (await merchantBySlug(ctx, DEMO_SLUG)) ??
    (await createMerchant(
      ctx,
      { slug: DEMO_SLUG, name: "Tessera 演示商户", ownerEmail: demo.staffEmail, ownerPassword: demo.staffPassword },
      demo.adminApiKey,
    ));
  const partnerKeyHash = await sha256Hex(demo.partnerApiKey);
  const partnerKey = await ctx.db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(eq(apiKeys.hash, partnerKeyHash))
    .get();
  if (!partnerKey) await createPartner(ctx, merchant.id, { name: "演示门店 Demo café" }, demo.partnerApiKey);

  let stocked = 0;
  for (const product of DEMO_PRODUCTS) {
    const existing = await ctx.db
      .select({ id: products.id })
      .from(products)
      .where(and(eq(products.merchantId, merchant.id), eq(products.name, product.name)))
      .get();
    if (existing) continue;
    const created = await createProduct(ctx, merchant.id, product);
    const sku = created.skus[0];
    if (product.kind === "card_secret" && sku) {
      const lines = Array.from({ length: 100 }, (_, i) => ({
        code: `DEMO-VIDEO-${String(i + 1).padStart(4, "0")}`,
        secret: `PIN${String((i * 7919) % 1_000_000).padStart(6, "0")}`,
      }));
      stocked += (await importStock(ctx, merchant.id, sku.id, lines)).imported;
    }
  }
  return { merchant: DEMO_SLUG, merchantId: merchant.id, stocked };
}
