import { z } from "@hono/zod-openapi";
import { ADDABLE_CHANNEL_KINDS, CHANNEL_KINDS } from "@tessera/domain";
import { DeliverySchema, OrderSchema, ProductKindSchema, RechargeTemplateSchema, SkuSchema } from "./schemas";
import { CurrencySchema, MoneySchema, PathId } from "./shared";

/** How the merchant's mini-program or app names itself on the shop API. */
export const ChannelKeyHeader = z.object({
  "x-channel-key": z
    .string()
    .max(64)
    .optional()
    .openapi({
      param: { name: "x-channel-key", in: "header" },
      description:
        "A mini-program's or app's publishable channel key (`tess_pk_…`): prices, quotas and orders are then that channel's. Without it, the shop's.",
      example: "tess_pk_8Jq2mVw4Xc7Rb1Tn5Ks9Ld3Ph6Yf0Ga",
    }),
});

export const channelKeyOf = (headers: { "x-channel-key"?: string | undefined }) => headers["x-channel-key"];

export const ChannelIdParam = PathId("channelId", "chn_01JD5ZQ8W4N3M2K1H0G9F8E7D6");

export const ChannelSchema = z
  .object({
    id: z.string(),
    kind: z.enum(CHANNEL_KINDS),
    name: z.string(),
    status: z.enum(["active", "suspended"]),
    publishableKey: z
      .string()
      .nullable()
      .openapi({ description: "A mini-program's or app's `X-Channel-Key`; null for the shop and resellers" }),
    contactEmail: z.string().nullable().openapi({ description: "Resellers: the address their orders are made out to" }),
    balance: MoneySchema.nullable().openapi({
      description: "Resellers: the prepaid balance their orders are paid from",
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Channel");

export const ChannelKeySchema = z
  .object({ id: z.string(), prefix: z.string(), createdAt: z.string(), revokedAt: z.string().nullable() })
  .openapi("ChannelKey");

export const ChannelDetailSchema = ChannelSchema.extend({ keys: z.array(ChannelKeySchema) }).openapi("ChannelDetail");

export const NewChannelSchema = z
  .object({
    kind: z.enum(ADDABLE_CHANNEL_KINDS),
    name: z.string().trim().min(1).max(200),
    contactEmail: z.email().max(320).optional().openapi({ description: "Required for a reseller" }),
    currency: CurrencySchema.optional().openapi({ description: "A reseller's balance currency (CNY unless given)" }),
  })
  .openapi("NewChannel");

export const PriceListLineSchema = z
  .object({
    skuId: z.string(),
    productId: z.string(),
    productName: z.string(),
    skuName: z.string(),
    kind: ProductKindSchema,
    listed: z.boolean(),
    listPrice: MoneySchema,
    price: MoneySchema.nullable().openapi({ description: "What the channel sells it at; null when it does not" }),
    ownPrice: MoneySchema.nullable().openapi({ description: "The channel's own price, when it has one" }),
    inPriceList: z.boolean(),
    quota: z.number().int().nullable(),
    sold: z.number().int().openapi({ description: "Units of the channel's live orders since the entry was made" }),
    remaining: z.number().int().nullable(),
  })
  .openapi("PriceListLine");

export const PriceListEditSchema = z
  .object({
    set: z
      .array(
        z.object({
          skuId: z.string().max(64),
          // A union rather than `.nullable()`: the document then says `anyOf [Money, null]`, which admits null.
          price: z.union([MoneySchema, z.null()]).openapi({
            description: "The channel's price (null: the SKU's list price). For the shop, this sets the list price.",
          }),
          quota: z.number().int().min(0).max(10_000_000).nullable().openapi({ description: "null: no limit" }),
        }),
      )
      .max(200),
    remove: z
      .array(z.string().max(64))
      .max(200)
      .default([])
      .openapi({ description: "SKUs to take out of the price list" }),
  })
  .openapi("PriceListEdit");

export const BalanceEntrySchema = z
  .object({
    id: z.string(),
    kind: z.enum(["top_up", "order_debit", "refund_credit"]),
    amount: z.object({ amount: z.number().int(), currency: CurrencySchema }).openapi({ description: "Signed" }),
    balanceAfter: MoneySchema,
    orderId: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("BalanceEntry");

export const WebhookSchema = z
  .object({ id: z.string(), url: z.string(), status: z.enum(["active", "removed"]), createdAt: z.string() })
  .openapi("ChannelWebhook");

export const WebhookWithCountsSchema = WebhookSchema.extend({
  deliveries: z.object({ pending: z.number().int(), succeeded: z.number().int(), failed: z.number().int() }),
}).openapi("ChannelWebhookWithCounts");

export const WebhookDeliverySchema = z
  .object({
    id: z.string(),
    webhookId: z.string(),
    url: z.string(),
    eventId: z.string(),
    eventType: z.enum(["order.fulfilled", "order.refunded"]),
    orderId: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("ChannelWebhookDelivery");

export const QuotaSchema = z
  .object({ limit: z.number().int(), used: z.number().int(), remaining: z.number().int() })
  .openapi("ChannelQuota");

export const CatalogProductSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: ProductKindSchema,
    description: z.string().nullable(),
    instructions: z.string().nullable(),
    imageUrl: z.string().nullable(),
    recharge: RechargeTemplateSchema.optional(),
    skus: z.array(
      SkuSchema.omit({ lowStockThreshold: true }).extend({
        quota: QuotaSchema.nullable().openapi({ description: "This channel's quota of the SKU; null for none" }),
      }),
    ),
  })
  .openapi("ChannelCatalogProduct");

export const ChannelOrderSchema = OrderSchema.extend({ deliveries: z.array(DeliverySchema) }).openapi("ChannelOrder");

export const NewChannelOrderSchema = z
  .object({
    items: z
      .array(
        z.object({
          skuId: z.string().max(64),
          quantity: z.number().int().min(1).max(100),
          recipient: z
            .record(z.string().max(32), z.string().max(128))
            .optional()
            .openapi({ description: "Direct top-ups only: the account to credit", example: { phone: "13800138000" } }),
          expectedUnitPrice: MoneySchema.optional().openapi({
            description: "The unit price the catalog showed; if the price list has changed since, 409 `price_changed`",
          }),
        }),
      )
      .min(1)
      .max(20),
  })
  .openapi("NewChannelOrder");
