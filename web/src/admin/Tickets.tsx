import { useId, useState } from "react";
import { Link } from "react-router";
import { EmptyState, ErrorNotice, Loading, StatusBadge } from "../components/ui";
import { query } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { Ticket } from "../lib/types";
import { useAdmin } from "./session";

export function TicketsPage() {
  const { api } = useAdmin();
  const { t, dateTime } = useI18n();
  const id = useId();
  const [status, setStatus] = useState<"open" | "closed">("open");
  const [error, setError] = useState<unknown>(null);
  const tickets = useLoad(
    (signal) => api.get<{ data: Ticket[] }>(`/v1/admin/tickets${query({ status })}`, { signal }),
    [api, status],
  );

  const setTicketStatus = async (ticket: Ticket, next: "open" | "closed") => {
    setError(null);
    try {
      await api.patch(`/v1/admin/tickets/${ticket.id}`, { status: next });
      tickets.reload();
    } catch (reason) {
      setError(reason);
    }
  };

  return (
    <section>
      <h1>{t("tickets.title")}</h1>
      <div className="filters card">
        <div className="field">
          <label htmlFor={`${id}-status`}>{t("orders.status")}</label>
          <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value as "open" | "closed")}>
            <option value="open">{t("status.open")}</option>
            <option value="closed">{t("status.closed")}</option>
          </select>
        </div>
      </div>
      <ErrorNotice error={error ?? tickets.error} />
      {tickets.loading && !tickets.data ? <Loading /> : null}
      {tickets.data && tickets.data.data.length === 0 ? <EmptyState>{t("tickets.empty")}</EmptyState> : null}
      <ul className="ticket-list">
        {tickets.data?.data.map((ticket) => (
          <li key={ticket.id} className="card">
            <p className="muted small">
              {dateTime(ticket.createdAt)} · {ticket.email} ·{" "}
              <Link to={`/admin/orders/${ticket.orderId}`} className="mono">
                {ticket.orderId}
              </Link>{" "}
              <StatusBadge status={ticket.status} />
            </p>
            <p className="ticket-message">{ticket.message}</p>
            <button
              type="button"
              className="button small"
              onClick={() => setTicketStatus(ticket, ticket.status === "open" ? "closed" : "open")}
            >
              {ticket.status === "open" ? t("tickets.close") : t("tickets.reopen")}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
