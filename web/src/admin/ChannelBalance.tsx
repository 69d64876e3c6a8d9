import { type FormEvent, useId, useRef, useState } from "react";
import { EmptyState, ErrorNotice, Loading, Pager, usePager } from "../components/ui";
import { newIdempotencyKey, type Page, query } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";
import { parseMajor } from "../lib/money";
import type { BalanceEntry, Channel } from "../lib/types";
import { useAdmin } from "./session";

/** A reseller's prepaid balance: top-ups (finance and owners) and the ledger of every movement. */
export function ChannelBalance({ channel, onChange }: { channel: Channel; onChange: () => void }) {
  const { api, can } = useAdmin();
  const { t, money, dateTime } = useI18n();
  const id = useId();
  const pager = usePager();
  const entries = useLoad(
    (signal) =>
      api.get<Page<BalanceEntry>>(
        `/v1/admin/channels/${channel.id}/balance-entries${query({ limit: 20, cursor: pager.cursor })}`,
        { signal },
      ),
    [api, channel.id, pager.cursor],
  );
  const currency = channel.balance?.currency ?? "CNY";
  const [amount, setAmount] = useState("");
  const [note, setNote] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(newIdempotencyKey());

  const topUp = async (event: FormEvent) => {
    event.preventDefault();
    const minor = parseMajor(amount, currency);
    if (!minor) {
      setError(new Error(t("channels.balance.invalid")));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.post(
        `/v1/admin/channels/${channel.id}/top-ups`,
        { amount: { amount: minor, currency }, ...(note.trim() ? { note: note.trim() } : {}) },
        { idempotencyKey: key.current },
      );
      key.current = newIdempotencyKey();
      setAmount("");
      setNote("");
      pager.reset();
      entries.reload();
      onChange();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card">
      <h2>{t("channels.balance.title")}</h2>
      {can("channels.fund") ? (
        <form onSubmit={topUp} className="inline-form">
          <div className="field narrow">
            <label htmlFor={`${id}-amount`}>{t("channels.balance.amount", { currency })}</label>
            <input
              id={`${id}-amount`}
              inputMode="decimal"
              required
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-note`}>{t("channels.balance.note")}</label>
            <input id={`${id}-note`} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
          </div>
          <button type="submit" className="button primary" disabled={busy || !amount.trim()}>
            {t("channels.balance.topUp")}
          </button>
        </form>
      ) : null}
      <ErrorNotice error={error} />
      <ErrorNotice error={entries.error} />
      {entries.loading && !entries.data ? <Loading /> : null}
      {entries.data && entries.data.data.length === 0 ? <EmptyState>{t("channels.balance.empty")}</EmptyState> : null}
      {entries.data && entries.data.data.length > 0 ? (
        <div className="table-wrap">
          <table data-testid="balance-ledger">
            <thead>
              <tr>
                <th scope="col">{t("channels.balance.when")}</th>
                <th scope="col">{t("channels.balance.kind")}</th>
                <th scope="col">{t("channels.balance.amountColumn")}</th>
                <th scope="col">{t("channels.balance.after")}</th>
                <th scope="col">{t("channels.balance.reference")}</th>
              </tr>
            </thead>
            <tbody>
              {entries.data.data.map((entry) => (
                <tr key={entry.id}>
                  <td>{dateTime(entry.createdAt)}</td>
                  <td>{t(`channels.balance.kind.${entry.kind}` as MessageKey)}</td>
                  <td className="num">{money(entry.amount)}</td>
                  <td className="num">{money(entry.balanceAfter)}</td>
                  <td className="mono small">{entry.orderId ?? entry.note ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager pager={pager} nextCursor={entries.data?.nextCursor} />
    </section>
  );
}
