import {
  findTicket,
  listTicketsPage,
  runAtomic,
  type TicketRow,
  type TicketStatus,
  ticketStatement,
  updateTicketStatement,
} from "@tessera/db";
import { newId } from "@tessera/domain";
import type { AdminCaller, ServiceContext } from "../context";
import { ApiError } from "../errors";
import { audited } from "./audit";
import { orderForToken } from "./orders";
import { enforceLimits } from "./rate-limits";

/** Help requests per order: enough for a conversation, not for flooding the support queue. */
const TICKETS_PER_ORDER = { limit: 5, windowMs: 3_600_000 };

const ticketView = (row: TicketRow) => ({
  id: row.id,
  orderId: row.orderId,
  email: row.email,
  message: row.message,
  status: row.status,
  createdAt: new Date(row.createdAt).toISOString(),
});

/** A buyer asks for help with an order; the order's access token is the credential. */
export async function openTicket(
  ctx: ServiceContext,
  slug: string,
  orderId: string,
  accessToken: string,
  message: string,
  channelKey?: string,
) {
  const found = await orderForToken(ctx, slug, orderId, accessToken, channelKey);
  await enforceLimits(ctx, [{ key: `tickets:${found.order.id}`, ...TICKETS_PER_ORDER }]);
  const now = Date.now();
  const id = newId("ticket", now);
  await ticketStatement(ctx.db, found.order.merchantId, {
    id,
    orderId: found.order.id,
    email: found.order.email,
    message,
    status: "open",
    createdAt: now,
    updatedAt: now,
  });
  return { id };
}

export async function listTickets(
  ctx: ServiceContext,
  merchantId: string,
  options: { limit: number; cursor?: string | undefined; status?: TicketStatus | undefined },
) {
  const page = await listTicketsPage(ctx.db, merchantId, options);
  return { data: page.data.map(ticketView), nextCursor: page.nextCursor };
}

export async function setTicketStatus(
  ctx: ServiceContext,
  caller: AdminCaller,
  ticketId: string,
  status: TicketStatus,
) {
  const found = await findTicket(ctx.db, caller.merchantId, ticketId);
  if (!found) throw new ApiError("not_found", "No such ticket");
  const now = Date.now();
  const [updated] = await runAtomic(ctx.db, [
    updateTicketStatement(ctx.db, caller.merchantId, ticketId, status, now),
    audited(ctx, caller, "ticket.updated", ticketId, { from: found.status, to: status }, now),
  ]);
  return ticketView(updated[0] ?? { ...found, status, updatedAt: now });
}
