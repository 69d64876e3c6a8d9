import { type FormEvent, useId, useState } from "react";
import { Link } from "react-router";
import { EmptyState, ErrorNotice, Loading, Pager, StatusBadge, usePager } from "../components/ui";
import { type Page, query } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";
import { timeZone } from "../lib/time-zone";
import type { Order, OrderStatus } from "../lib/types";
import { useAdmin } from "./session";

// The statuses GET /v1/admin/orders filters by.
export const ORDER_STATUSES: OrderStatus[] = [
  "awaiting_payment",
  "on_hold",
  "paid",
  "fulfilled",
  "partially_refunded",
  "payment_failed",
  "expired",
  "refunded",
];

interface Filters {
  status: string;
  email: string;
  orderId: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { status: "", email: "", orderId: "", from: "", to: "" };

// Filters live in the page's state rather than its URL: an e-mail address is no thing to leave
// in a history or a log.
export function OrdersPage() {
  const { api } = useAdmin();
  const { t, money, dateTime } = useI18n();
  const id = useId();
  const pager = usePager();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const orders = useLoad(
    (signal) =>
      api.get<Page<Order>>(
        `/v1/admin/orders${query({
          status: filters.status,
          email: filters.email.trim(),
          orderId: filters.orderId.trim(),
          from: filters.from,
          to: filters.to,
          // The dates are the staff member's calendar days.
          tz: filters.from || filters.to ? timeZone() : undefined,
          cursor: pager.cursor,
          limit: 25,
        })}`,
        { signal },
      ),
    [api, filters, pager.cursor],
  );

  const apply = (event: FormEvent) => {
    event.preventDefault();
    pager.reset();
    setFilters(draft);
  };
  const set = (key: keyof Filters, value: string) => setDraft((d) => ({ ...d, [key]: value }));

  return (
    <section>
      <h1>{t("orders.title")}</h1>
      <form className="filters card" onSubmit={apply} aria-label={t("orders.filters")}>
        <div className="field">
          <label htmlFor={`${id}-status`}>{t("orders.status")}</label>
          <select id={`${id}-status`} value={draft.status} onChange={(e) => set("status", e.target.value)}>
            <option value="">{t("orders.anyStatus")}</option>
            {ORDER_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`status.${status}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-email`}>{t("email")}</label>
          <input id={`${id}-email`} type="search" value={draft.email} onChange={(e) => set("email", e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-order`}>{t("orders.orderId")}</label>
          <input
            id={`${id}-order`}
            type="search"
            className="mono"
            value={draft.orderId}
            onChange={(e) => set("orderId", e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-from`}>{t("orders.from")}</label>
          <input id={`${id}-from`} type="date" value={draft.from} onChange={(e) => set("from", e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>{t("orders.to")}</label>
          <input id={`${id}-to`} type="date" value={draft.to} onChange={(e) => set("to", e.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" className="button primary">
            {t("orders.search")}
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
              pager.reset();
            }}
          >
            {t("orders.clear")}
          </button>
        </div>
      </form>
      <ErrorNotice error={orders.error} />
      {orders.loading && !orders.data ? <Loading /> : null}
      {orders.data && orders.data.data.length === 0 ? <EmptyState>{t("orders.empty")}</EmptyState> : null}
      {orders.data && orders.data.data.length > 0 ? (
        <div className="table-wrap">
          <table data-testid="orders-table">
            <thead>
              <tr>
                <th scope="col">{t("orders.orderId")}</th>
                <th scope="col">{t("orders.created")}</th>
                <th scope="col">{t("email")}</th>
                <th scope="col">{t("orders.items")}</th>
                <th scope="col">{t("orders.total")}</th>
                <th scope="col">{t("orders.status")}</th>
              </tr>
            </thead>
            <tbody>
              {orders.data.data.map((order) => (
                <tr key={order.id}>
                  <td>
                    <Link to={`/admin/orders/${order.id}`} className="mono">
                      {order.id}
                    </Link>
                  </td>
                  <td>{dateTime(order.createdAt)}</td>
                  <td>{order.email}</td>
                  <td>
                    {order.items.map((item) => `${item.productName} · ${item.skuName} × ${item.quantity}`).join("; ")}
                  </td>
                  <td className="num">{money(order.total)}</td>
                  <td>
                    <StatusBadge status={order.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager pager={pager} nextCursor={orders.data?.nextCursor} />
    </section>
  );
}
