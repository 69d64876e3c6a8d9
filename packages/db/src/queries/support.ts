import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "../client";
import { notifications, tickets } from "../schema";
import { type Page, type PageOptions, toPage } from "./page";

export type NotificationRow = typeof notifications.$inferSelect;
export type TicketRow = typeof tickets.$inferSelect;
export type TicketStatus = TicketRow["status"];

export function notificationStatement(
  db: Db,
  merchantId: string,
  row: Omit<NotificationRow, "merchantId" | "subscriptionId"> & { subscriptionId?: string | null },
) {
  return db.insert(notifications).values({ ...row, merchantId });
}

export function ticketStatement(db: Db, merchantId: string, row: Omit<TicketRow, "merchantId">) {
  return db.insert(tickets).values({ ...row, merchantId });
}

/** The merchant's tickets newest first, optionally of one status. */
export async function listTicketsPage(
  db: Db,
  merchantId: string,
  options: PageOptions & { status?: TicketStatus | undefined },
): Promise<Page<TicketRow>> {
  const filters = [eq(tickets.merchantId, merchantId)];
  if (options.status) filters.push(eq(tickets.status, options.status));
  if (options.cursor) filters.push(lt(tickets.id, options.cursor));
  const rows = await db
    .select()
    .from(tickets)
    .where(and(...filters))
    .orderBy(desc(tickets.id))
    .limit(options.limit + 1)
    .all();
  return toPage(
    rows,
    options.limit,
    (row) => row.id,
    (row) => row,
  );
}

export async function findTicket(db: Db, merchantId: string, ticketId: string): Promise<TicketRow | null> {
  return (
    (await db
      .select()
      .from(tickets)
      .where(and(eq(tickets.id, ticketId), eq(tickets.merchantId, merchantId)))
      .get()) ?? null
  );
}

export function updateTicketStatement(db: Db, merchantId: string, ticketId: string, status: TicketStatus, at: number) {
  return db
    .update(tickets)
    .set({ status, updatedAt: at })
    .where(and(eq(tickets.id, ticketId), eq(tickets.merchantId, merchantId)))
    .returning();
}
