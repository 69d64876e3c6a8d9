import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { listAccounts } from "../../services/stock";
import { type App, json, PageQuery, PathId, pageOf, SECURITY } from "../shared";

const AccountSeatsSchema = z
  .object({
    accountId: z.string().openapi({ example: "unt_01JD5ZQ8W4N3M2K1H0G9F8E7D6" }),
    label: z.string().openapi({ description: "The login, masked", example: "fami••••••.com" }),
    seats: z.number().int().openapi({ description: "Buyers the credential may be sold to (its cap)" }),
    used: z.number().int().openapi({ description: "Seats reserved or sold: never more than `seats`" }),
    reserved: z.number().int().openapi({ description: "Seats held by unpaid orders" }),
    sold: z.number().int(),
  })
  .openapi("AccountSeats");

const route = createRoute({
  method: "get",
  path: "/v1/admin/skus/{skuId}/accounts",
  tags: ["Admin"],
  summary: "A shared-account SKU's credentials (loop stock) with seats used and cap",
  description:
    "Straight from the SKU's StockKeeper, oldest credential first. A buyer gets a seat on the credential with the most room; a refund frees it. Other kinds of SKU hold no accounts (an empty list).",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("catalog.read")] as const,
  request: {
    params: z.object({ skuId: PathId("skuId", "sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    query: PageQuery,
  },
  responses: {
    200: json(pageOf(AccountSeatsSchema), "A page of credentials"),
    ...errorResponses("unauthorized", "not_found"),
  },
});

export function registerListAccounts(app: App) {
  app.openapi(route, async (c) =>
    c.json(
      await listAccounts(
        c.get("services"),
        c.get("admin").merchantId,
        c.req.valid("param").skuId,
        c.req.valid("query"),
      ),
      200,
    ),
  );
}
