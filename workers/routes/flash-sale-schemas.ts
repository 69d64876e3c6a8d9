import { z } from "@hono/zod-openapi";
import { MAX_SALE_QUOTA, MAX_SALE_SHARDS } from "@tessera/domain";
import { MoneySchema, PathId } from "./shared";

/** Schemas shared by the flash-sale routes and the SKUs they price. */

export const FlashSaleIdParam = z.object({
  flashSaleId: PathId("flashSaleId", "fls_01JD5ZQ8W4N3M2K1H0G9F8E7D6"),
});

export const SaleStatusSchema = z.enum(["scheduled", "open", "ended", "cancelled"]).openapi({
  description: "`scheduled` until `startsAt`, `open` until `endsAt`, then `ended`; or `cancelled`",
});

const Instant = z.iso.datetime({ offset: true }).openapi({ example: "2026-11-11T00:00:00+08:00" });

export const NewFlashSaleSchema = z
  .object({
    skuId: z.string().max(128).openapi({ example: "sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6" }),
    name: z
      .string()
      .trim()
      .max(200)
      .optional()
      .openapi({ description: "Shown in the shop; the product and SKU name unless told" }),
    price: MoneySchema.openapi({ description: "The sale price, in the SKU's currency" }),
    quota: z.number().int().min(1).max(MAX_SALE_QUOTA).openapi({
      description:
        "Units on sale. A card-secret SKU must hold them (they leave its normal stock); a voucher's quota is a count",
    }),
    perCustomerLimit: z
      .number()
      .int()
      .min(1)
      .max(100)
      .openapi({ description: "Units one customer (their normalized email) may buy in this sale" }),
    shards: z.number().int().min(1).max(MAX_SALE_SHARDS).optional().openapi({
      description: "Objects the sale's stock is split over (4 unless told, at most the quota): more sell faster",
    }),
    startsAt: Instant.openapi({ description: "The second the sale opens; the shop counts down to it" }),
    endsAt: Instant.openapi({
      description: "When it ends: the SKU's normal price again, unsold units back in its stock",
    }),
  })
  .openapi("NewFlashSale");

export const FlashSaleSchema = z
  .object({
    id: z.string().openapi({ example: "fls_01JD5ZQ8W4N3M2K1H0G9F8E7D6" }),
    skuId: z.string(),
    name: z.string(),
    price: MoneySchema,
    quota: z.number().int(),
    perCustomerLimit: z.number().int(),
    shards: z.number().int(),
    startsAt: z.string(),
    endsAt: z.string(),
    status: SaleStatusSchema,
    remaining: z.number().int().openapi({ description: "Units not yet reserved or sold while the sale can sell them" }),
    reserved: z.number().int().openapi({ description: "Held by unpaid orders" }),
    sold: z.number().int(),
    stocked: z.boolean().openapi({ description: "The sale's stock has reached its shards" }),
    createdAt: z.string(),
    cancelledAt: z.string().nullable(),
    closedAt: z
      .string()
      .nullable()
      .openapi({ description: "When every shard had stopped and sent its unsold units home" }),
  })
  .openapi("FlashSale");

export const FlashSaleDetailSchema = FlashSaleSchema.extend({
  shardLevels: z
    .array(
      z.object({
        shard: z.number().int(),
        available: z.number().int(),
        reserved: z.number().int(),
        sold: z.number().int(),
      }),
    )
    .openapi({ description: "Read from each shard itself, now" }),
}).openapi("FlashSaleDetail");

/** What the shop shows beside a SKU that is on sale, or about to be. */
export const SaleBadgeSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    price: MoneySchema,
    startsAt: z.string(),
    endsAt: z.string(),
    status: z.enum(["scheduled", "open"]),
    remaining: z.number().int(),
    perCustomerLimit: z.number().int(),
  })
  .openapi("SaleBadge");
