import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { getFlashSale } from "../../services/flash-sales";
import { FlashSaleDetailSchema, FlashSaleIdParam } from "../flash-sale-schemas";
import { type App, json, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/flash-sales/{flashSaleId}",
  tags: ["Admin"],
  summary: "One flash sale, with each shard's levels read from the shard",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("catalog.read")] as const,
  request: { params: FlashSaleIdParam },
  responses: {
    200: json(FlashSaleDetailSchema, "The sale and its shards"),
    ...errorResponses("unauthorized", "not_found"),
  },
});

export function registerGetFlashSale(app: App) {
  app.openapi(route, async (c) =>
    c.json(await getFlashSale(c.get("services"), c.get("admin").merchantId, c.req.valid("param").flashSaleId), 200),
  );
}
