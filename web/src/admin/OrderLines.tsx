// An order's lines as staff see them: a bundle with its components, each at its share of the
// bundle's price, and (for finance and owners, on a delivered order) a refund of one line.
import { type FormEvent, useId, useRef, useState } from "react";
import { ErrorNotice, StatusBadge } from "../components/ui";
import { newIdempotencyKey } from "../lib/api";
import { useI18n } from "../lib/i18n";
import type { AdminOrder, OrderLine } from "../lib/types";
import { useAdmin } from "./session";

export function OrderLines({ order, onChanged }: { order: AdminOrder; onChanged: (order: AdminOrder) => void }) {
  const { can } = useAdmin();
  const { t, money } = useI18n();
  const refundable = can("orders.refund") && (order.status === "fulfilled" || order.status === "partially_refunded");
  // With one line only, refunding it is refunding the order: that is the order's own action.
  const leaves = order.items.flatMap((item) => item.components ?? [item]);
  const perItem = refundable && leaves.length > 1;
  return (
    <section className="card">
      <h2>{t("orders.items")}</h2>
      <ul className="plain-list order-lines">
        {order.items.map((item) => (
          <li key={item.id}>
            {item.productName} · {item.skuName} × {item.quantity} — {money(item.unitPrice)}
            {item.components ? null : <LineRefund order={order} line={item} enabled={perItem} onChanged={onChanged} />}
            {item.components ? (
              <ul className="plain-list components" aria-label={t("bundle.contents")}>
                {item.components.map((component) => (
                  <li key={component.id} data-testid="order-component">
                    {component.productName} · {component.skuName} × {component.quantity} —{" "}
                    {t("bundle.share", { amount: money(component.amount) })}
                    <LineRefund order={order} line={component} enabled={perItem} onChanged={onChanged} />
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function LineRefund({
  order,
  line,
  enabled,
  onChanged,
}: {
  order: AdminOrder;
  line: OrderLine;
  enabled: boolean;
  onChanged: (order: AdminOrder) => void;
}) {
  const { api } = useAdmin();
  const { t, money } = useI18n();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const key = useRef(newIdempotencyKey());
  if (line.refundedAt) {
    return (
      <>
        {" "}
        <StatusBadge status="refunded" />
      </>
    );
  }
  if (!enabled) return null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onChanged(
        await api.post<AdminOrder>(
          `/v1/admin/orders/${order.id}/items/${line.id}/refund`,
          { reason: reason.trim() },
          { idempotencyKey: key.current },
        ),
      );
    } catch (reason) {
      setError(reason);
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <>
        {" "}
        <button type="button" className="button small" onClick={() => setOpen(true)}>
          {t("order.refundItem", { amount: money(line.amount) })}
        </button>
      </>
    );
  }
  return (
    <form onSubmit={submit} className="inline-form">
      <ErrorNotice error={error} />
      <label htmlFor={`${id}-reason`}>{t("order.refundReason")}</label>
      <input
        id={`${id}-reason`}
        required
        maxLength={500}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
      />
      <button type="submit" className="button small danger" disabled={busy || reason.trim() === ""}>
        {t("order.confirmRefundItem", { amount: money(line.amount) })}
      </button>
      <button type="button" className="button small" onClick={() => setOpen(false)}>
        {t("cancel")}
      </button>
    </form>
  );
}
