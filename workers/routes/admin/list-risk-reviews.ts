import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { listReviewQueue } from "../../services/risk/reviews";
import { ReviewItemSchema } from "../risk-scoring-schemas";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/risk/reviews",
  tags: ["Admin"],
  summary: "The review queue: orders held by the risk rules, newest first, with their score and reasons",
  description:
    "Every `on_hold` order: `stage: scoring` while the `risk` queue has not scored it, `review` once its score asks a person to decide. `contributions` lists each rule that added to the score, with what it observed and the merchant's limit.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("risk.read")] as const,
  request: { query: PageQuery },
  responses: {
    200: json(pageOf(ReviewItemSchema), "A page of held orders"),
    ...errorResponses("unauthorized"),
  },
});

export function registerListRiskReviews(app: App) {
  app.openapi(route, async (c) =>
    c.json(await listReviewQueue(c.get("services"), c.get("admin").merchantId, c.req.valid("query")), 200),
  );
}
