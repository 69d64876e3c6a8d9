import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import { ApiProblem } from "../lib/api";
import { useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";

export function Notice({
  tone = "info",
  title,
  children,
  live = false,
}: {
  tone?: "info" | "success" | "warning" | "error";
  title?: ReactNode;
  children?: ReactNode;
  live?: boolean;
}) {
  const role = live ? (tone === "error" ? "alert" : "status") : undefined;
  return (
    <div className={`notice notice-${tone}`} role={role}>
      {title ? <p className="notice-title">{title}</p> : null}
      {children}
    </div>
  );
}

const ERROR_MESSAGES: Partial<Record<string, MessageKey>> = {
  network_error: "error.network",
  unauthorized: "error.unauthorized",
  forbidden: "error.forbidden",
  csrf_failed: "error.csrf",
  not_found: "error.notFound",
  validation_failed: "error.validation",
  insufficient_stock: "error.insufficientStock",
  sale_not_started: "error.saleNotStarted",
  sale_sold_out: "error.saleSoldOut",
  sale_limit_exceeded: "error.saleLimit",
  rate_limited: "error.rateLimited",
  order_limit_reached: "error.orderLimit",
  purchase_limit_reached: "error.purchaseLimit",
  payment_cooldown: "error.paymentCooldown",
  conflict: "error.conflict",
  payload_too_large: "error.tooLarge",
  internal_error: "error.internal",
  code_not_found: "desk.notFound",
  code_already_redeemed: "desk.alreadyRedeemed",
  code_expired: "desk.expired",
  code_voided: "desk.voided",
  already_reversed: "redemptions.alreadyReversed",
};

/** A readable sentence for any failure, with the request id support can look up. */
export function ErrorNotice({ error, title }: { error: unknown; title?: ReactNode }) {
  const { t } = useI18n();
  if (!error) return null;
  if (error instanceof ApiProblem) {
    const key = ERROR_MESSAGES[error.code];
    const fields = error.errors.map((field) => `${field.path}: ${field.message}`).join("; ");
    return (
      <Notice tone="error" title={title} live>
        <p>{key ? t(key) : error.detail || t("error.generic", { status: error.status })}</p>
        {fields ? <p className="muted small">{fields}</p> : null}
        {error.requestId ? <p className="muted small">{t("error.requestId", { id: error.requestId })}</p> : null}
      </Notice>
    );
  }
  return (
    <Notice tone="error" title={title} live>
      <p>{error instanceof Error ? error.message : String(error)}</p>
    </Notice>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label ?? t("loading")}
    </p>
  );
}

/** Copies `text`; the button says so for a moment. */
export function CopyButton({ text, label, className }: { text: string; label?: string; className?: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setState("idle"), 2500);
  };
  return (
    <button type="button" className={className ?? "button small"} onClick={copy} data-copied={state === "copied"}>
      {state === "copied" ? t("copied") : state === "failed" ? t("copyFailed") : (label ?? t("copy"))}
    </button>
  );
}

/** A secret shown once (API key, invite token): read-only field, copy button and a warning. */
export function ShownOnce({ label, value }: { label: string; value: string }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <Notice tone="warning" title={t("shownOnce.title")} live>
      <label htmlFor={id}>{label}</label>
      <div className="secret-row">
        <input id={id} className="mono" readOnly value={value} onFocus={(event) => event.currentTarget.select()} />
        <CopyButton text={value} />
      </div>
      <p className="small">{t("shownOnce.body")}</p>
    </Notice>
  );
}

const STATUS_TONES: Record<string, string> = {
  fulfilled: "success",
  completed: "success",
  active: "success",
  succeeded: "success",
  paid: "info",
  awaiting_payment: "warning",
  pending: "warning",
  on_hold: "warning",
  open: "warning",
  past_due: "warning",
  charging: "warning",
  partially_refunded: "warning",
  lapsed: "error",
  canceled: "muted",
  payment_failed: "error",
  failed: "error",
  expired: "muted",
  refunded: "muted",
  reversed: "muted",
  redeemed: "muted",
  voided: "error",
  closed: "muted",
};

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const key = `status.${status}` as MessageKey;
  const label = t(key);
  return <span className={`badge badge-${STATUS_TONES[status] ?? "muted"}`}>{label === key ? status : label}</span>;
}

/** Cursor pagination: the cursors of the pages before this one are kept for "previous". */
export function usePager() {
  const [stack, setStack] = useState<(string | undefined)[]>([undefined]);
  const cursor = stack[stack.length - 1];
  return {
    cursor,
    page: stack.length,
    next: (nextCursor: string) => setStack((s) => [...s, nextCursor]),
    previous: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    reset: () => setStack([undefined]),
  };
}

export function Pager({
  pager,
  nextCursor,
}: {
  pager: ReturnType<typeof usePager>;
  nextCursor: string | null | undefined;
}) {
  const { t } = useI18n();
  return (
    <nav className="pager" aria-label={t("pagination")}>
      <button type="button" className="button small" disabled={pager.page <= 1} onClick={pager.previous}>
        {t("previous")}
      </button>
      <span className="muted">{t("pageN", { n: pager.page })}</span>
      <button
        type="button"
        className="button small"
        disabled={!nextCursor}
        onClick={() => nextCursor && pager.next(nextCursor)}
      >
        {t("next")}
      </button>
    </nav>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
