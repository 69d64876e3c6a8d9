import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { listTickets } from "../../services/tickets";
import { TicketSchema, TicketStatusSchema } from "../schemas";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/tickets",
  tags: ["Admin"],
  summary: "Buyers' help requests, newest first",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("tickets.manage")] as const,
  request: {
    query: PageQuery.extend({
      status: TicketStatusSchema.optional().openapi({ param: { name: "status", in: "query" } }),
    }),
  },
  responses: {
    200: json(pageOf(TicketSchema), "A page of tickets"),
    ...errorResponses("unauthorized", "forbidden"),
  },
});

export function registerListTickets(app: App) {
  app.openapi(route, async (c) =>
    c.json(await listTickets(c.get("services"), c.get("admin").merchantId, c.req.valid("query")), 200),
  );
}
