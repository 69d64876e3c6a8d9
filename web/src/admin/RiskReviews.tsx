import { useState } from "react";
import { Link } from "react-router";
import { EmptyState, ErrorNotice, Loading, Pager, usePager } from "../components/ui";
import { newIdempotencyKey, type Page, query } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";
import type { Contribution, ReviewItem } from "./risk-types";
import { useAdmin } from "./session";

/** One rule's share of a score, in words: "Same e-mail: 4 orders (limit 3) +20". */
export function ContributionLine({ contribution }: { contribution: Contribution }) {
  const { t } = useI18n();
  const name = t(`risk.rule.${contribution.rule}` as MessageKey);
  const limit = contribution.limit === null ? "" : ` (${t("risk.limit")} ${contribution.limit})`;
  return (
    <li>
      {name === `risk.rule.${contribution.rule}` ? contribution.rule : name}: {String(contribution.observed)}
      {limit} <strong>+{contribution.points}</strong>
    </li>
  );
}

export function RiskReviews() {
  const { api, can } = useAdmin();
  const { t, money, dateTime } = useI18n();
  const pager = usePager();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const queue = useLoad(
    (signal) => api.get<Page<ReviewItem>>(`/v1/admin/risk/reviews${query({ cursor: pager.cursor })}`, { signal }),
    [api, pager.cursor],
  );

  const decide = async (item: ReviewItem, action: "approve" | "reject") => {
    let json: Record<string, string> = {};
    if (action === "reject") {
      const reason = window.prompt(t("risk.rejectReason"));
      if (!reason?.trim()) return;
      json = { reason: reason.trim() };
    }
    setBusy(item.orderId);
    setError(null);
    try {
      await api.post(`/v1/admin/risk/reviews/${item.orderId}/${action}`, json, { idempotencyKey: newIdempotencyKey() });
      queue.reload();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div>
      <ErrorNotice error={error ?? queue.error} />
      {queue.loading && !queue.data ? <Loading /> : null}
      {queue.data && queue.data.data.length === 0 ? <EmptyState>{t("risk.reviews.empty")}</EmptyState> : null}
      <ul className="ticket-list">
        {queue.data?.data.map((item) => (
          <li key={item.orderId} className="card" data-testid="risk-review">
            <p className="muted small">
              {dateTime(item.paidAt)} · {item.email} ·{" "}
              <Link to={`/admin/orders/${item.orderId}`} className="mono">
                {item.orderId}
              </Link>{" "}
              · {money(item.total)}
            </p>
            <p>{item.items.map((line) => `${line.productName} × ${line.quantity}`).join(", ")}</p>
            <p>
              <strong>
                {item.stage === "scoring"
                  ? t("risk.reviews.scoring")
                  : t("risk.reviews.score", { score: item.score ?? 0 })}
              </strong>
            </p>
            <ul className="small">
              {item.contributions.map((contribution) => (
                <ContributionLine key={`${contribution.rule}-${contribution.observed}`} contribution={contribution} />
              ))}
            </ul>
            <p className="muted small">
              IP {item.signals.ip ?? "—"} ({item.signals.ipCountry ?? "—"}) · {t("risk.card")}{" "}
              {item.signals.cardCountry ?? "—"} · {t("risk.device")} {item.signals.deviceId ?? "—"}
            </p>
            {can("risk.review") ? (
              <p>
                <button
                  type="button"
                  className="button small primary"
                  disabled={busy !== null}
                  onClick={() => decide(item, "approve")}
                >
                  {t("risk.approve")}
                </button>{" "}
                <button
                  type="button"
                  className="button small danger"
                  disabled={busy !== null}
                  onClick={() => decide(item, "reject")}
                >
                  {t("risk.reject")}
                </button>
              </p>
            ) : null}
          </li>
        ))}
      </ul>
      <Pager pager={pager} nextCursor={queue.data?.nextCursor} />
    </div>
  );
}
