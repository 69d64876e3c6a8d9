import { z } from "@hono/zod-openapi";
import {
  MAX_BUNDLE_COMPONENTS,
  MAX_COMPONENT_QUANTITY,
  MAX_RENEWAL_EVERY,
  PRODUCT_KINDS,
  RENEWAL_PERIODS,
  SUBSCRIPTION_STATUSES,
} from "@tessera/domain";
import { MoneySchema } from "./shared";

export const RenewalPlanSchema = z
  .object({
    period: z.enum(RENEWAL_PERIODS).openapi({ description: "Counted on the buyer's calendar (a month keeps its day)" }),
    every: z
      .number()
      .int()
      .min(1)
      .max(MAX_RENEWAL_EVERY)
      .openapi({ description: "Periods per renewal: `{ period: month, every: 3 }` is quarterly" }),
  })
  .openapi("RenewalPlan");

export const ComponentSchema = z
  .object({
    skuId: z.string(),
    productId: z.string(),
    productName: z.string(),
    skuName: z.string(),
    kind: z.enum(PRODUCT_KINDS),
    quantity: z.number().int(),
    listPrice: MoneySchema.openapi({ description: "The component's own price: the weight of its share" }),
    available: z.number().int().nullable().optional().openapi({ description: "As for the SKU on its own" }),
  })
  .openapi("BundleComponent");

export const BundleCompositionSchema = z
  .object({
    skuId: z.string(),
    price: MoneySchema,
    components: z.array(
      ComponentSchema.extend({
        share: MoneySchema.openapi({
          description: "Its share of one bundle's price (largest remainder over list value; the shares add up)",
        }),
      }),
    ),
  })
  .openapi("BundleComposition");

export const ComponentsInputSchema = z
  .object({
    components: z
      .array(
        z.object({
          skuId: z.string().max(64),
          quantity: z.number().int().min(1).max(MAX_COMPONENT_QUANTITY),
        }),
      )
      .min(1)
      .max(MAX_BUNDLE_COMPONENTS),
  })
  .openapi("BundleComponentsInput");

export const SubscriptionStatusSchema = z.enum(SUBSCRIPTION_STATUSES);

export const SubscriptionSchema = z
  .object({
    id: z.string().openapi({ example: "sub_01JD5ZQ8W4N3M2K1H0G9F8E7D6" }),
    status: SubscriptionStatusSchema.openapi({
      description:
        "`active` renews at `nextRenewalAt`; `past_due` is retrying a failed charge; `canceled` and `lapsed` renew no more",
    }),
    skuId: z.string(),
    productName: z.string(),
    skuName: z.string(),
    quantity: z.number().int(),
    price: MoneySchema.openapi({ description: "What each renewal charges, as agreed at purchase" }),
    renewal: RenewalPlanSchema,
    timeZone: z.string().openapi({ description: "The calendar periods are counted on" }),
    currentPeriod: z.object({ index: z.number().int(), start: z.string().nullable(), end: z.string().nullable() }),
    nextRenewalAt: z
      .string()
      .nullable()
      .openapi({ description: "Null while a renewal is being charged and once it renews no more" }),
    endsAt: z
      .string()
      .nullable()
      .openapi({ description: "Cancelled or lapsed: when the period already paid for ends" }),
    paymentMethod: z.string().nullable().openapi({ description: "The saved method, as `Visa •••• 4242`" }),
    recipient: z.string().nullable().openapi({ description: "A top-up's recipient account, masked" }),
    sourceOrderId: z.string(),
    canceledAt: z.string().nullable(),
    lapsedAt: z.string().nullable(),
    createdAt: z.string().nullable(),
  })
  .openapi("Subscription");

export const RenewalSchema = z
  .object({
    period: z.number().int(),
    orderId: z.string(),
    status: z.enum(["charging", "failed", "succeeded", "lapsed", "canceled"]),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastFailure: z
      .string()
      .nullable()
      .openapi({ description: "`card_declined`, `insufficient_stock`, `no_payment_method`…" }),
    createdAt: z.string().nullable(),
  })
  .openapi("SubscriptionRenewal");

export const SubscriptionDetailSchema = SubscriptionSchema.extend({
  email: z.string(),
  renewals: z.array(RenewalSchema),
  history: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(["renewed", "payment_failed", "lapsed", "canceled"]),
      period: z.number().int(),
      attempt: z.number().int(),
      orderId: z.string().nullable(),
      detail: z.record(z.string(), z.unknown()).nullable(),
      at: z.string().nullable(),
    }),
  ),
}).openapi("SubscriptionDetail");

/** What the order's page shows of a subscription it started or renews. */
export const OrderSubscriptionSchema = SubscriptionSchema.extend({
  renewals: z.array(RenewalSchema.pick({ period: true, orderId: true, status: true })),
}).openapi("OrderSubscription");
