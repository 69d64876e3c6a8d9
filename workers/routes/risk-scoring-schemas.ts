import { z } from "@hono/zod-openapi";
import { ALERT_KINDS, DECISIONS, LIST_KINDS, LIST_NAMES, ORDER_RULES, type OrderRule } from "@tessera/domain";
import { MoneySchema } from "./shared";

/** Schemas of the merchant's risk pages (scoring, holds, lists, alerts), shared by their routes. */

export const ListKindSchema = z.enum(LIST_KINDS).openapi({ description: "What an entry matches" });
export const ListNameSchema = z
  .enum(LIST_NAMES)
  .openapi({ description: "`block` refunds a match; `allow` lets it through unscored" });
export const DecisionSchema = z.enum(DECISIONS);
export const AlertKindSchema = z.enum(ALERT_KINDS);

export const ContributionSchema = z
  .object({
    rule: z.string().openapi({ example: "velocity_email" }),
    points: z.number().int(),
    observed: z
      .union([z.string(), z.number()])
      .openapi({ description: "What tripped it: a count, an amount, `US≠CN`, `email:…`" }),
    limit: z.union([z.string(), z.number()]).nullable().openapi({ description: "What the merchant tolerates" }),
  })
  .openapi("RiskContribution");

export const ReviewItemSchema = z
  .object({
    orderId: z.string(),
    email: z.string(),
    total: MoneySchema,
    items: z.array(z.object({ productName: z.string(), quantity: z.number().int() })),
    stage: z
      .enum(["scoring", "review"])
      .openapi({ description: "`scoring`: the `risk` queue has not scored it yet; `review`: waiting for a person" }),
    score: z.number().int().nullable(),
    decision: DecisionSchema.nullable(),
    contributions: z.array(ContributionSchema),
    signals: z.object({
      ip: z.string().nullable(),
      ipCountry: z.string().nullable(),
      deviceId: z.string().nullable(),
      cardCountry: z.string().nullable(),
    }),
    createdAt: z.string().nullable(),
    paidAt: z.string().nullable(),
  })
  .openapi("RiskReviewItem");

export const ListEntrySchema = z
  .object({
    id: z.string(),
    kind: ListKindSchema,
    list: ListNameSchema,
    value: z
      .string()
      .openapi({ description: "Normalized: an IP range canonical (`10.0.0.0/8`), an e-mail one mailbox" }),
    note: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .openapi("RiskListEntry");

export const DecisionEntrySchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    action: z.enum(["allow", "review", "block", "approve", "reject"]),
    actor: z.string().openapi({ description: "`system` for the rules' decision, else `staff:<id>` or `key:<id>`" }),
    automatic: z.boolean(),
    overruled: DecisionSchema.nullable().openapi({ description: "The rules' decision a person overruled" }),
    note: z.string().nullable(),
    score: z.number().int().nullable(),
    createdAt: z.string().nullable(),
  })
  .openapi("RiskDecision");

export const AlertSchema = z
  .object({
    id: z.string(),
    kind: AlertKindSchema,
    redemptionId: z.string(),
    codeId: z.string(),
    partnerId: z.string().nullable(),
    location: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .openapi("RedemptionAlert");

const Points = z.number().int().min(0).max(1_000);
const RuleSettingSchema = z.object({
  enabled: z.boolean(),
  weight: Points,
  limit: z.number().int().min(0).max(1_000_000_000),
});

const RegionCode = z.string().regex(/^[A-Za-z0-9-]{2,8}$/, "a region code such as CN");

export const RiskSettingsSchema = z
  .object({
    scoreFrom: z
      .number()
      .int()
      .min(0)
      .max(1_000_000_000)
      .openapi({ description: "Orders worth this much or more (minor units) are scored before fulfilment" }),
    reviewAt: Points.openapi({ description: "A score at or above this holds the order for review" }),
    blockAt: Points.openapi({ description: "A score at or above this refunds the order" }),
    windowHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90),
    rules: z.object(
      Object.fromEntries(ORDER_RULES.map((rule) => [rule, RuleSettingSchema])) as Record<
        OrderRule,
        typeof RuleSettingSchema
      >,
    ),
    redemption: z.object({
      enabled: z.boolean(),
      travelKmh: z.number().int().min(1).max(100_000),
      burstLimit: z.number().int().min(1).max(1_000_000),
      burstWindowMinutes: z.number().int().min(1).max(1_440),
      locations: z
        .record(
          z.string().min(1).max(200),
          z.object({
            lat: z.number().min(-90).max(90),
            lon: z.number().min(-180).max(180),
            region: RegionCode.nullable(),
          }),
        )
        .refine((value) => Object.keys(value).length <= 1_000, "at most 1,000 locations"),
      skus: z
        .record(
          z.string().min(1).max(64),
          z.object({
            regions: z.array(RegionCode).max(50),
            hours: z.object({ from: z.number().int().min(0).max(23), to: z.number().int().min(0).max(24) }).nullable(),
            timeZone: z.string().min(1).max(64),
          }),
        )
        .refine((value) => Object.keys(value).length <= 1_000, "at most 1,000 SKUs"),
    }),
  })
  .openapi("RiskSettings");

export const RiskSettingsViewSchema = z
  .object({ settings: RiskSettingsSchema, updatedBy: z.string().nullable(), updatedAt: z.string().nullable() })
  .openapi("RiskSettingsView");
