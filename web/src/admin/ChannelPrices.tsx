import { useEffect, useState } from "react";
import { ErrorNotice, Loading, Notice, Pager, usePager } from "../components/ui";
import { type Page, query } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import { formatMajor, parseMajor } from "../lib/money";
import type { Channel, PriceListLine } from "../lib/types";
import { useAdmin } from "./session";

interface Row {
  inList: boolean;
  price: string;
  quota: string;
}

/** The form's starting value for a line: the shop edits list prices, others their own prices. */
function initial(channel: Channel, line: PriceListLine): Row {
  const price = channel.kind === "shop" ? line.listPrice : line.ownPrice;
  return {
    inList: line.inPriceList,
    price: price ? formatMajor(price.amount, price.currency) : "",
    quota: line.quota === null ? "" : String(line.quota),
  };
}

const same = (a: Row, b: Row) => a.inList === b.inList && a.price === b.price && a.quota === b.quota;

/**
 * The bulk editor of a channel's price list: every SKU on the page at once, saved in one call
 * (all or nothing). A reseller sells exactly the SKUs ticked; a mini-program or app sells every
 * listed SKU, at its own price where one is typed; the shop's prices are the list prices.
 */
export function ChannelPrices({ channel }: { channel: Channel }) {
  const { api, can } = useAdmin();
  const { t, money, number } = useI18n();
  const pager = usePager();
  const lines = useLoad(
    (signal) =>
      api.get<Page<PriceListLine>>(
        `/v1/admin/channels/${channel.id}/prices${query({ limit: 50, cursor: pager.cursor })}`,
        {
          signal,
        },
      ),
    [api, channel.id, pager.cursor],
  );
  const [rows, setRows] = useState<Record<string, Row>>({});
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const editable = can("channels.manage");

  useEffect(() => {
    if (lines.data) setRows(Object.fromEntries(lines.data.data.map((line) => [line.skuId, initial(channel, line)])));
  }, [lines.data, channel]);

  const edit = (skuId: string, change: Partial<Row>) => {
    setSaved(false);
    setRows((current) => {
      const row = { ...(current[skuId] as Row), ...change };
      // A consumer channel has terms of its own exactly when something is typed.
      if (channel.kind === "mini_program" || channel.kind === "app") row.inList = row.price !== "" || row.quota !== "";
      return { ...current, [skuId]: row };
    });
  };

  const save = async () => {
    const data = lines.data?.data ?? [];
    const set: { skuId: string; price: { amount: number; currency: string } | null; quota: number | null }[] = [];
    const remove: string[] = [];
    for (const line of data) {
      const row = rows[line.skuId];
      if (!row || same(row, initial(channel, line))) continue;
      if (!row.inList && channel.kind !== "shop") {
        if (line.inPriceList) remove.push(line.skuId);
        continue;
      }
      const currency = line.listPrice.currency;
      const amount = row.price === "" ? null : parseMajor(row.price, currency);
      const quota = row.quota === "" ? null : Number(row.quota);
      if ((row.price !== "" && amount === null) || (quota !== null && !(Number.isInteger(quota) && quota >= 0))) {
        setError(new Error(t("channels.prices.invalid", { name: `${line.productName} · ${line.skuName}` })));
        return;
      }
      set.push({ skuId: line.skuId, price: amount === null ? null : { amount, currency }, quota });
    }
    setBusy(true);
    setError(null);
    try {
      await api.patch(`/v1/admin/channels/${channel.id}/prices`, { set, remove });
      setSaved(true);
      lines.reload();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card">
      <h2>{t("channels.prices.title")}</h2>
      <p className="muted small">
        {t(
          `channels.prices.hint.${channel.kind === "reseller" ? "reseller" : channel.kind === "shop" ? "shop" : "consumer"}`,
        )}
      </p>
      <ErrorNotice error={lines.error} />
      {lines.loading && !lines.data ? <Loading /> : null}
      {lines.data ? (
        <div className="table-wrap">
          <table data-testid="price-list">
            <thead>
              <tr>
                <th scope="col">{t("stock.product")}</th>
                <th scope="col">{t("channels.prices.listPrice")}</th>
                {channel.kind === "reseller" ? <th scope="col">{t("channels.prices.offered")}</th> : null}
                <th scope="col">{t("channels.prices.price")}</th>
                <th scope="col">{t("channels.prices.quota")}</th>
                <th scope="col">{t("channels.prices.sold")}</th>
              </tr>
            </thead>
            <tbody>
              {lines.data.data.map((line) => {
                const row = rows[line.skuId] ?? initial(channel, line);
                const label = `${line.productName} · ${line.skuName}`;
                return (
                  <tr key={line.skuId} data-sku={line.skuId}>
                    <td>
                      {label}
                      {line.listed ? null : <span className="badge badge-muted">{t("channels.prices.unlisted")}</span>}
                    </td>
                    <td className="num">{money(line.listPrice)}</td>
                    {channel.kind === "reseller" ? (
                      <td>
                        <input
                          type="checkbox"
                          aria-label={t("channels.prices.offeredFor", { name: label })}
                          checked={row.inList}
                          disabled={!editable}
                          onChange={(e) => edit(line.skuId, { inList: e.target.checked })}
                        />
                      </td>
                    ) : null}
                    <td>
                      <input
                        className="input-narrow"
                        inputMode="decimal"
                        aria-label={t("channels.prices.priceFor", { name: label })}
                        placeholder={formatMajor(line.listPrice.amount, line.listPrice.currency)}
                        value={row.price}
                        disabled={!editable || (channel.kind === "reseller" && !row.inList)}
                        onChange={(e) => edit(line.skuId, { price: e.target.value })}
                      />
                    </td>
                    <td>
                      <input
                        className="input-narrow"
                        inputMode="numeric"
                        aria-label={t("channels.prices.quotaFor", { name: label })}
                        placeholder={t("channels.prices.noQuota")}
                        value={row.quota}
                        disabled={!editable || (channel.kind === "reseller" && !row.inList)}
                        onChange={(e) => edit(line.skuId, { quota: e.target.value })}
                      />
                    </td>
                    <td className="num">
                      {number(line.sold)}
                      {line.remaining === null ? null : (
                        <span className="muted small"> {t("channels.prices.remaining", { n: line.remaining })}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager pager={pager} nextCursor={lines.data?.nextCursor} />
      <ErrorNotice error={error} />
      {saved ? (
        <Notice tone="success" live>
          <p>{t("saved")}</p>
        </Notice>
      ) : null}
      {editable ? (
        <button type="button" className="button primary" disabled={busy || !lines.data} onClick={save}>
          {t("channels.prices.save")}
        </button>
      ) : null}
    </section>
  );
}
