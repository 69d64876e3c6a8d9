import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { dashboard } from "../../services/reports";
import { TimeZoneInput } from "../schemas";
import { type App, CurrencySchema, json, SECURITY } from "../shared";

/** Net sales can fall below zero on a day with more refunds than payments. */
const NetMoneySchema = z
  .object({
    amount: z.number().int().openapi({ description: "Minor units; negative when refunds exceed sales" }),
    currency: CurrencySchema,
  })
  .openapi("NetMoney");

const FiguresSchema = z.object({
  sales: NetMoneySchema,
  orders: z.number().int().openapi({ description: "Orders paid in the period" }),
  redemptions: z.number().int().openapi({ description: "Redemptions made in the period and not reversed" }),
});

const DashboardSchema = z
  .object({
    timeZone: z.string(),
    today: FiguresSchema,
    week: FiguresSchema.openapi({ description: "Since Monday" }),
    daily: z.array(FiguresSchema.extend({ date: z.string().openapi({ example: "2026-11-25" }) })),
    stockAlerts: z.array(
      z.object({
        skuId: z.string(),
        productName: z.string(),
        skuName: z.string(),
        available: z.number().int(),
        lowStockThreshold: z.number().int().nullable(),
      }),
    ),
  })
  .openapi("Dashboard");

const route = createRoute({
  method: "get",
  path: "/v1/admin/dashboard",
  tags: ["Admin"],
  summary: "Today's and this week's sales, orders and redemptions, the last 14 days, and stock alerts",
  description:
    "Days are those of `tz` (UTC unless given). Sales are the money ledger's net (payments less refunds, on the day each moved) in the merchant's main currency.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("dashboard")] as const,
  request: {
    query: z.object({
      tz: TimeZoneInput.optional().openapi({ param: { name: "tz", in: "query" }, example: "Asia/Shanghai" }),
    }),
  },
  responses: {
    200: json(DashboardSchema, "The figures"),
    ...errorResponses("unauthorized"),
  },
});

export function registerGetDashboard(app: App) {
  app.openapi(route, async (c) =>
    c.json(await dashboard(c.get("services"), c.get("admin").merchantId, c.req.valid("query").tz ?? "UTC"), 200),
  );
}
