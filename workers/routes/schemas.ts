import { z } from "@hono/zod-openapi";
import { ORDER_STATUSES, type OrderStatus } from "@tessera/domain";
import { MoneySchema } from "./shared";

export const PolicySchema = z
  .object({
    uses: z.number().int().min(1).max(10_000).openapi({ description: "Redemptions allowed (1 = single use)" }),
    validDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .nullable()
      .openapi({ description: "Days valid from issuance; null = no expiry" }),
  })
  .openapi("CodePolicy");

export const SkuSchema = z
  .object({
    id: z.string().openapi({ example: "sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6" }),
    name: z.string(),
    price: MoneySchema,
    policy: PolicySchema,
    available: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Units in stock; null where codes are minted (vouchers)" }),
  })
  .openapi("Sku");

export const ProductKindSchema = z.enum(["card_secret", "voucher"]);

export const ProductSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: ProductKindSchema,
    description: z.string().nullable(),
    instructions: z.string().nullable(),
    listed: z.boolean(),
    skus: z.array(SkuSchema),
    createdAt: z.string(),
  })
  .openapi("Product");

export const OrderStatusSchema = z.enum(ORDER_STATUSES as [OrderStatus, ...OrderStatus[]]);

export const OrderSchema = z
  .object({
    id: z.string(),
    status: OrderStatusSchema,
    email: z.string(),
    total: MoneySchema,
    items: z.array(
      z.object({
        skuId: z.string(),
        productName: z.string(),
        skuName: z.string(),
        kind: ProductKindSchema,
        quantity: z.number().int(),
        unitPrice: MoneySchema,
      }),
    ),
    payment: z
      .object({ id: z.string(), provider: z.string(), status: z.string(), checkoutUrl: z.string().nullable() })
      .nullable(),
    createdAt: z.string().nullable(),
    expiresAt: z.string().nullable().openapi({ description: "When the reservation lapses if unpaid" }),
    paidAt: z.string().nullable(),
    fulfilledAt: z.string().nullable(),
    refundedAt: z.string().nullable(),
    statusReason: z.string().nullable(),
  })
  .openapi("Order");

export const DeliverySchema = z
  .object({
    skuId: z.string(),
    productName: z.string(),
    code: z.string(),
    secret: z.string().optional(),
    instructions: z.string().nullable(),
  })
  .openapi("Delivery");

export const MaskedDeliverySchema = z
  .object({
    id: z.string(),
    skuId: z.string(),
    codeId: z.string().nullable(),
    codeMasked: z.string(),
    createdAt: z.string().nullable(),
  })
  .openapi("MaskedDelivery");

export const CodeStateSchema = z
  .object({
    status: z.enum(["active", "redeemed", "expired", "voided"]),
    remainingUses: z.number().int(),
  })
  .openapi("CodeState");

export const RedemptionSchema = z
  .object({
    id: z.string(),
    codeId: z.string(),
    skuId: z.string().nullable(),
    orderId: z.string().nullable(),
    partnerId: z.string().nullable(),
    status: z.enum(["completed", "reversed"]),
    location: z.string().nullable(),
    createdAt: z.string(),
    reversedAt: z.string().nullable(),
  })
  .openapi("Redemption");

/** What a partner types or scans: bounded so a huge string never reaches a hash or a log. */
export const CodeInput = z.string().min(1).max(128).openapi({ example: "7K3M-Q9XD-4TPA-WN2B-ER5C" });
