import { type FormEvent, useId, useRef, useState } from "react";
import { EmptyState, ErrorNotice, Loading, Pager, usePager } from "../components/ui";
import { newIdempotencyKey, type Page, query } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";
import { LIST_KINDS, type ListEntry, type ListKind } from "./risk-types";
import { useAdmin } from "./session";

export function RiskLists() {
  const { api, can } = useAdmin();
  const { t, dateTime } = useI18n();
  const id = useId();
  const pager = usePager();
  const [filter, setFilter] = useState<"" | "block" | "allow">("");
  const [kind, setKind] = useState<ListKind>("email");
  const [list, setList] = useState<"block" | "allow">("block");
  const [value, setValue] = useState("");
  const [note, setNote] = useState("");
  const [error, setError] = useState<unknown>(null);
  const addKey = useRef(newIdempotencyKey());
  const entries = useLoad(
    (signal) =>
      api.get<Page<ListEntry>>(`/v1/admin/risk/lists${query({ list: filter, cursor: pager.cursor })}`, { signal }),
    [api, filter, pager.cursor],
  );

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await api.post(
        "/v1/admin/risk/lists",
        { kind, list, value: value.trim(), ...(note.trim() ? { note: note.trim() } : {}) },
        { idempotencyKey: addKey.current },
      );
      addKey.current = newIdempotencyKey();
      setValue("");
      setNote("");
      entries.reload();
    } catch (reason) {
      setError(reason);
    }
  };

  const remove = async (entry: ListEntry) => {
    if (!window.confirm(t("risk.lists.confirmRemove"))) return;
    setError(null);
    try {
      await api.del(`/v1/admin/risk/lists/${entry.id}`);
      entries.reload();
    } catch (reason) {
      setError(reason);
    }
  };

  return (
    <div>
      {can("risk.manage") ? (
        <form className="card filters" onSubmit={add}>
          <div className="field">
            <label htmlFor={`${id}-list`}>{t("risk.lists.list")}</label>
            <select id={`${id}-list`} value={list} onChange={(e) => setList(e.target.value as "block" | "allow")}>
              <option value="block">{t("risk.lists.block")}</option>
              <option value="allow">{t("risk.lists.allow")}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-kind`}>{t("risk.lists.kind")}</label>
            <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as ListKind)}>
              {LIST_KINDS.map((option) => (
                <option key={option} value={option}>
                  {t(`risk.kind.${option}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-value`}>{t("risk.lists.value")}</label>
            <input id={`${id}-value`} required value={value} onChange={(e) => setValue(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-note`}>{t("risk.lists.note")}</label>
            <input id={`${id}-note`} value={note} onChange={(e) => setNote(e.target.value)} />
          </div>
          <button type="submit" className="button primary">
            {t("risk.lists.add")}
          </button>
        </form>
      ) : null}
      <div className="filters">
        <div className="field">
          <label htmlFor={`${id}-filter`}>{t("risk.lists.list")}</label>
          <select
            id={`${id}-filter`}
            value={filter}
            onChange={(e) => {
              setFilter(e.target.value as "" | "block" | "allow");
              pager.reset();
            }}
          >
            <option value="">{t("risk.lists.both")}</option>
            <option value="block">{t("risk.lists.block")}</option>
            <option value="allow">{t("risk.lists.allow")}</option>
          </select>
        </div>
      </div>
      <ErrorNotice error={error ?? entries.error} />
      {entries.loading && !entries.data ? <Loading /> : null}
      {entries.data && entries.data.data.length === 0 ? <EmptyState>{t("risk.lists.empty")}</EmptyState> : null}
      {entries.data && entries.data.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th>{t("risk.lists.list")}</th>
              <th>{t("risk.lists.kind")}</th>
              <th>{t("risk.lists.value")}</th>
              <th>{t("risk.lists.note")}</th>
              <th>{t("risk.lists.added")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {entries.data.data.map((entry) => (
              <tr key={entry.id}>
                <td>{t(entry.list === "block" ? "risk.lists.block" : "risk.lists.allow")}</td>
                <td>{t(`risk.kind.${entry.kind}` as MessageKey)}</td>
                <td className="mono">{entry.value}</td>
                <td>{entry.note ?? ""}</td>
                <td className="muted small">
                  {dateTime(entry.createdAt)} · {entry.createdBy}
                </td>
                <td>
                  {can("risk.manage") ? (
                    <button type="button" className="button small" onClick={() => remove(entry)}>
                      {t("risk.lists.remove")}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={entries.data?.nextCursor} />
    </div>
  );
}
