import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireOperator } from "../../middleware";
import { seedDemo } from "../../services/demo-seed";
import { type App, json, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/operator/demo",
  tags: ["Operator"],
  summary: "Seed the demo merchant (development only; safe to repeat)",
  security: SECURITY.operator,
  middleware: [requireOperator()] as const,
  responses: {
    200: json(z.object({ merchant: z.string(), merchantId: z.string(), stocked: z.number().int() }), "Seeded"),
    ...errorResponses("unauthorized", "forbidden", "conflict"),
  },
});

export function registerSeedDemo(app: App) {
  app.openapi(route, async (c) => c.json(await seedDemo(c.get("services")), 200));
}
