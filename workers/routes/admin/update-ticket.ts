import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { setTicketStatus } from "../../services/tickets";
import { TicketSchema, TicketStatusSchema } from "../schemas";
import { type App, body, json, PathId, SECURITY } from "../shared";

const route = createRoute({
  method: "patch",
  path: "/v1/admin/tickets/{ticketId}",
  tags: ["Admin"],
  summary: "Close (or reopen) a help request",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("tickets.manage")] as const,
  request: {
    params: z.object({ ticketId: PathId("ticketId", "tkt_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    body: body(z.object({ status: TicketStatusSchema })),
  },
  responses: {
    200: json(TicketSchema, "The ticket"),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "not_found"),
  },
});

export function registerUpdateTicket(app: App) {
  app.openapi(route, async (c) =>
    c.json(
      await setTicketStatus(
        c.get("services"),
        c.get("admin"),
        c.req.valid("param").ticketId,
        c.req.valid("json").status,
      ),
      200,
    ),
  );
}
