import { z } from "@hono/zod-openapi";
import { isDate, isTimeZone, ORDER_STATUSES, type OrderStatus, PRODUCT_KINDS } from "@tessera/domain";
import { SaleBadgeSchema } from "./flash-sale-schemas";
import { CodeUsageSchema, FormStateSchema, TermsSchema } from "./form-schemas";
import { MoneySchema } from "./shared";
import { ComponentSchema, RenewalPlanSchema } from "./subscription-schemas";

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
    terms: TermsSchema.nullable().openapi({
      description:
        "The product form's terms; required for stored_value, time_card and licence, null for a plain voucher",
    }),
  })
  .openapi("CodePolicy");

export const SkuSchema = z
  .object({
    id: z.string().openapi({ example: "sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6" }),
    name: z.string(),
    price: MoneySchema,
    policy: PolicySchema,
    available: z.number().int().nullable().openapi({
      description:
        "Units on sale: card secrets in stock plus what the SKU's suppliers offer; for top-ups what the suppliers offer; null where codes are minted (vouchers)",
    }),
    lowStockThreshold: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Stock is low at this many available units or fewer; null for no warning" }),
    flashSale: SaleBadgeSchema.optional().openapi({
      description: "The flash sale pricing this SKU now (`open`) or the next one (`scheduled`, with its opening time)",
    }),
    renewal: RenewalPlanSchema.nullable().openapi({
      description: "Sold as a subscription renewing on this plan; null for a one-off purchase",
    }),
    components: z
      .array(ComponentSchema)
      .optional()
      .openapi({ description: "Bundles only: what one bundle delivers; `available` is then its scarcest component's" }),
  })
  .openapi("Sku");

export const ProductKindSchema = z.enum(PRODUCT_KINDS);

/** What a direct top-up (直充) asks the buyer for at checkout, and how it is checked. */
export const RechargeTemplateSchema = z
  .discriminatedUnion("template", [
    z.object({
      template: z.literal("mobile_cn").openapi({ description: "`{ phone }`: a mainland China mobile number" }),
    }),
    z.object({
      template: z.literal("game_account").openapi({ description: "`{ gameId, region }`" }),
      regions: z.array(z.string().trim().min(1).max(32)).min(1).max(50),
    }),
    z.object({ template: z.literal("qq").openapi({ description: "`{ qq }`: a QQ number" }) }),
    z.object({ template: z.literal("email").openapi({ description: "`{ email }`" }) }),
  ])
  .openapi("RechargeTemplate");

export const ProductSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: ProductKindSchema,
    description: z.string().nullable(),
    instructions: z.string().nullable().openapi({ description: "Markdown; render it safely (no raw HTML)" }),
    imageUrl: z.string().nullable(),
    listed: z.boolean(),
    recharge: RechargeTemplateSchema.optional().openapi({
      description: "Direct top-ups only: the recipient to enter as the order item's `recipient`",
    }),
    skus: z.array(SkuSchema),
    createdAt: z.string(),
  })
  .openapi("Product");

export const OrderStatusSchema = z.enum(ORDER_STATUSES as [OrderStatus, ...OrderStatus[]]);

const OrderLineSchema = z.object({
  id: z.string().openapi({ description: "The order item, for a per-item refund" }),
  skuId: z.string(),
  productName: z.string(),
  skuName: z.string(),
  kind: ProductKindSchema,
  quantity: z.number().int(),
  amount: MoneySchema.openapi({
    description: "What the line cost: unit price × quantity, or a bundle component's share of its line",
  }),
  recipient: z
    .string()
    .optional()
    .openapi({ description: "A direct top-up's recipient account, masked (138****8000)" }),
  renewal: RenewalPlanSchema.optional().openapi({ description: "The line started a subscription on this plan" }),
  refundedAt: z
    .string()
    .nullable()
    .openapi({ description: "Refunded on its own (the order is then `partially_refunded`)" }),
});

export const OrderSchema = z
  .object({
    id: z.string(),
    status: OrderStatusSchema,
    email: z.string(),
    total: MoneySchema,
    items: z.array(
      OrderLineSchema.extend({
        unitPrice: MoneySchema,
        components: z
          .array(OrderLineSchema)
          .optional()
          .openapi({ description: "A bundle line's components, each delivered (and refundable) on its own" }),
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
    channelId: z
      .string()
      .nullable()
      .openapi({ description: "The channel the order came through; null for the merchant's own shop" }),
  })
  .openapi("Order");

export const DeliverySchema = z
  .object({
    skuId: z.string(),
    productName: z.string(),
    code: z.string(),
    secret: z.string().optional(),
    instructions: z.string().nullable(),
    usage: CodeUsageSchema.optional().openapi({
      description: "Minted codes: what the code has left, as last recorded (it follows redemptions within moments)",
    }),
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
    balance: MoneySchema.optional().openapi({ description: "Stored value: what is left after this" }),
  })
  .openapi("CodeState");

export const RedemptionSchema = z
  .object({
    id: z.string(),
    codeId: z.string(),
    skuId: z.string().nullable(),
    orderId: z.string().nullable(),
    partnerId: z.string().nullable(),
    staffId: z
      .string()
      .nullable()
      .openapi({ description: "The staff member who redeemed it at the manual redemption desk" }),
    status: z.enum(["completed", "reversed"]),
    location: z.string().nullable(),
    amount: MoneySchema.nullable().openapi({ description: "Stored value: what the redemption spent; null for a use" }),
    createdAt: z.string(),
    reversedAt: z.string().nullable(),
  })
  .openapi("Redemption");

/** What a stored-value redemption spends: minor units of the code's currency. */
export const RedeemAmount = z
  .number()
  .int()
  .min(1)
  .max(100_000_000)
  .optional()
  .openapi({ description: "Stored-value codes only (and required for them): minor units to spend", example: 1250 });

/** What a partner types or scans: bounded so a huge string never reaches a hash or a log. */
export const CodeInput = z.string().min(1).max(128).openapi({ example: "7K3M-Q9XD-4TPA-WN2B-ER5C" });

/** A product picture: an https URL only, so a page under a strict CSP never loads it over http. */
export const ImageUrlInput = z
  .url({ protocol: /^https$/, hostname: z.regexes.domain })
  .max(2048)
  .openapi({ example: "https://cdn.example.com/p/coffee.png", description: "An https URL" });

export const RoleSchema = z.enum(["owner", "operator", "finance", "support"]);

/** Dates in query strings: `YYYY-MM-DD` (a whole day) or an ISO 8601 timestamp with its offset. */
export const IsoDateInput = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/,
    "YYYY-MM-DD or an ISO 8601 timestamp with offset",
  )
  .refine((value) => isDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value)), "not a real date");

export const TimeZoneInput = z.string().max(64).refine(isTimeZone, "an IANA time zone such as Asia/Shanghai");

export const VerificationSchema = z
  .object({
    valid: z.boolean().openapi({ description: "True when the code can be used now" }),
    status: z.enum(["active", "redeemed", "expired", "voided"]),
    remainingUses: z.number().int(),
    expiresAt: z.string().nullable().openapi({ description: "When it stops working (a time card's window end)" }),
    productName: z.string(),
  })
  .extend(FormStateSchema.shape)
  .openapi("Verification");

export const RedemptionResultSchema = z
  .object({
    id: z.string(),
    createdAt: z.string().nullable(),
    amount: MoneySchema.optional().openapi({ description: "Stored value: what this redemption spent" }),
    code: CodeStateSchema,
  })
  .openapi("RedemptionResult");

export const ReversalSchema = z
  .object({ id: z.string(), status: z.literal("reversed"), reversedAt: z.string().nullable(), code: CodeStateSchema })
  .openapi("Reversal");

/** A 6-digit authenticator code, as typed (spaces allowed). */
export const TotpCodeInput = z.string().trim().min(6).max(16).openapi({ example: "492039" });

export const StaffMemberSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    status: z.enum(["active", "invited"]).openapi({ description: "`invited` until the invitation is accepted" }),
    totpEnabled: z.boolean(),
    createdAt: z.string(),
    invitedBy: z
      .string()
      .nullable()
      .openapi({ description: "Who invited them (`staff:…` or `key:…`); null for the first owner" }),
  })
  .openapi("StaffMember");

export const TicketStatusSchema = z.enum(["open", "closed"]);

export const TicketSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    email: z.string(),
    message: z.string(),
    status: TicketStatusSchema,
    createdAt: z.string(),
  })
  .openapi("Ticket");
