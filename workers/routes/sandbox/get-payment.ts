import { createRoute, z } from "@hono/zod-openapi";
import { merchants, payments } from "@tessera/db/schema";
import { eq } from "drizzle-orm";
import { ApiError, errorResponses } from "../../errors";
import { savesPaymentMethod } from "../../services/subscriptions/start";
import { type App, json, MoneySchema, PathId } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/sandbox/payments/{paymentId}",
  tags: ["Sandbox"],
  summary: "A sandbox payment, for the sandbox checkout page",
  request: { params: z.object({ paymentId: PathId("paymentId", "pay_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }) },
  responses: {
    200: json(
      z.object({
        id: z.string(),
        orderId: z.string(),
        shop: z.string(),
        status: z.string(),
        amount: MoneySchema,
        savesPaymentMethod: z
          .boolean()
          .openapi({ description: "The order starts a subscription: the card is saved for its renewals" }),
      }),
      "The payment",
    ),
    ...errorResponses("not_found"),
  },
});

export function registerGetSandboxPayment(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    if (!services.config.sandboxPayments) throw new ApiError("not_found");
    const row = await services.db
      .select({ payment: payments, shop: merchants.slug })
      .from(payments)
      .innerJoin(merchants, eq(merchants.id, payments.merchantId))
      .where(eq(payments.id, c.req.valid("param").paymentId))
      .get();
    if (row?.payment.provider !== "sandbox") throw new ApiError("not_found", "No such payment");
    const { payment } = row;
    return c.json(
      {
        id: payment.id,
        orderId: payment.orderId,
        shop: row.shop,
        status: payment.status,
        amount: { amount: payment.amount, currency: payment.currency },
        savesPaymentMethod: await savesPaymentMethod(services, payment.orderId),
      },
      200,
    );
  });
}
