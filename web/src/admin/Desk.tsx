// The manual redemption desk (核销台): type, paste or scan a code, see its state, redeem it.
// A second redemption of a used-up code is refused in plain words. Stored value is redeemed for
// an amount and shows its balance and history; time cards their window; licences their devices.
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { ErrorNotice, StatusBadge } from "../components/ui";
import { ApiProblem, newIdempotencyKey } from "../lib/api";
import { useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";
import { parseMajor } from "../lib/money";
import type { CodeState, Verification } from "../lib/types";
import { useAdmin } from "./session";

const LOCATION_KEY = "tessera.desk.location";

type Outcome =
  | { kind: "redeemed"; code: CodeState; redemptionId: string }
  | { kind: "refused"; reason: MessageKey; detail?: string };

const REFUSALS: Record<string, MessageKey> = {
  code_not_found: "desk.notFound",
  code_already_redeemed: "desk.alreadyRedeemed",
  code_expired: "desk.expired",
  code_voided: "desk.voided",
  insufficient_balance: "desk.insufficientBalance",
  code_too_soon: "desk.tooSoon",
  outside_allowed_hours: "desk.outsideHours",
  amount_required: "desk.amountRequired",
  amount_not_applicable: "desk.amountNotApplicable",
  code_form_mismatch: "desk.formMismatch",
};

export function DeskPage() {
  const { api } = useAdmin();
  const { t, dateTime, money } = useI18n();
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [code, setCode] = useState("");
  const [location, setLocation] = useState(() => localStorage.getItem(LOCATION_KEY) ?? "");
  const [amount, setAmount] = useState("");
  const [verification, setVerification] = useState<Verification | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // One key per (code, attempt): a double click or a retry after a timeout never takes two uses.
  const redeemKey = useRef(newIdempotencyKey());

  useEffect(() => {
    localStorage.setItem(LOCATION_KEY, location);
  }, [location]);

  const reset = (next: string) => {
    setCode(next);
    setAmount("");
    setVerification(null);
    setOutcome(null);
    setError(null);
    redeemKey.current = newIdempotencyKey();
  };

  const refusal = (reason: unknown): Outcome | null =>
    reason instanceof ApiProblem && REFUSALS[reason.code]
      ? { kind: "refused", reason: REFUSALS[reason.code] as MessageKey, detail: reason.detail }
      : null;

  const check = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!code.trim()) return;
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      setVerification(await api.post<Verification>("/v1/admin/desk/verifications", { code: code.trim() }));
    } catch (reason) {
      setVerification(null);
      const refused = refusal(reason);
      if (refused) setOutcome(refused);
      else setError(reason);
    } finally {
      setBusy(false);
    }
  };

  /** Frees a lost device's seat, then reads the licence again. */
  const deactivate = async (deviceId: string) => {
    if (!window.confirm(t("desk.confirmDeactivate", { device: deviceId }))) return;
    setBusy(true);
    setError(null);
    try {
      await api.post("/v1/admin/desk/deactivations", { code: code.trim(), deviceId });
      setVerification(await api.post<Verification>("/v1/admin/desk/verifications", { code: code.trim() }));
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const storedValue = verification?.form === "balance";
  const currency = verification?.balance?.total.currency ?? "CNY";
  const minorAmount = storedValue ? parseMajor(amount, currency) : null;

  const redeem = async () => {
    if (!code.trim()) return;
    if (storedValue && (minorAmount === null || minorAmount < 1)) {
      setOutcome({ kind: "refused", reason: "desk.amountRequired" });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<{ id: string; code: CodeState }>(
        "/v1/admin/desk/redemptions",
        {
          code: code.trim(),
          ...(storedValue && minorAmount !== null ? { amount: minorAmount } : {}),
          ...(location.trim() ? { location: location.trim() } : {}),
        },
        { idempotencyKey: redeemKey.current },
      );
      setOutcome({ kind: "redeemed", code: result.code, redemptionId: result.id });
      redeemKey.current = newIdempotencyKey();
      // Read the code again: the balance, its history and the window moved with this use.
      setVerification(await api.post<Verification>("/v1/admin/desk/verifications", { code: code.trim() }));
    } catch (reason) {
      const refused = refusal(reason);
      if (refused) {
        setOutcome(refused);
        redeemKey.current = newIdempotencyKey();
      } else setError(reason);
    } finally {
      setBusy(false);
      inputRef.current?.focus();
    }
  };

  return (
    <section className="desk">
      <h1>{t("desk.title")}</h1>
      <p className="muted">{t("desk.intro")}</p>
      <form onSubmit={check} className="card stack">
        <div className="field">
          <label htmlFor={`${id}-code`}>{t("desk.code")}</label>
          <input
            id={`${id}-code`}
            ref={inputRef}
            className="mono code-input"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            // biome-ignore lint/a11y/noAutofocus: the desk exists to take a code
            autoFocus
            value={code}
            onChange={(event) => reset(event.target.value)}
          />
        </div>
        {storedValue ? (
          <div className="field">
            <label htmlFor={`${id}-amount`}>{t("desk.amount", { currency })}</label>
            <input
              id={`${id}-amount`}
              inputMode="decimal"
              required
              value={amount}
              aria-invalid={amount !== "" && minorAmount === null}
              onChange={(e) => setAmount(e.target.value)}
            />
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-location`}>{t("desk.location")}</label>
          <input id={`${id}-location`} value={location} maxLength={200} onChange={(e) => setLocation(e.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={busy || !code.trim()}>
            {t("desk.check")}
          </button>
          <button type="button" className="button primary" disabled={busy || !code.trim()} onClick={redeem}>
            {t("desk.redeem")}
          </button>
          <Scanner onCode={(scanned) => reset(scanned)} />
        </div>
      </form>
      <ErrorNotice error={error} />
      {verification ? (
        <div className="card" data-testid="desk-status">
          <h2>{verification.productName}</h2>
          <dl className="facts">
            <div>
              <dt>{t("orders.status")}</dt>
              <dd>
                <StatusBadge status={verification.status} />
              </dd>
            </div>
            {verification.balance ? (
              <div>
                <dt>{t("desk.balance")}</dt>
                <dd data-testid="balance">
                  {t("desk.balanceOf", {
                    remaining: money(verification.balance.remaining),
                    total: money(verification.balance.total),
                  })}
                </dd>
              </div>
            ) : verification.seats ? (
              <div>
                <dt>{t("desk.seats")}</dt>
                <dd data-testid="seats">
                  {t("desk.seatsOf", { used: verification.seats.used, total: verification.seats.total })}
                </dd>
              </div>
            ) : verification.form === "uses" ? (
              <div>
                <dt>{t("desk.remaining")}</dt>
                <dd data-testid="remaining-uses">{verification.remainingUses}</dd>
              </div>
            ) : null}
            <div>
              <dt>{t("desk.expiresAt")}</dt>
              <dd>
                {verification.expiresAt
                  ? dateTime(verification.expiresAt)
                  : verification.window?.start === "activation" && !verification.window.activatedAt
                    ? t("desk.startsOnFirstUse")
                    : t("desk.noExpiry")}
              </dd>
            </div>
            {verification.nextUseAt ? (
              <div>
                <dt>{t("desk.nextUseAt")}</dt>
                <dd>{dateTime(verification.nextUseAt)}</dd>
              </div>
            ) : null}
            {verification.window ? (
              <div>
                <dt>{t("desk.window")}</dt>
                <dd data-testid="window">
                  {[
                    verification.window.weekdays
                      ? verification.window.weekdays.map((day) => t(`weekday.${day}` as MessageKey)).join(" ")
                      : t("desk.everyDay"),
                    verification.window.hours
                      ? `${verification.window.hours.from}–${verification.window.hours.to} (${verification.window.timeZone})`
                      : t("desk.allDay"),
                    verification.window.usableNow ? t("desk.usableNow") : t("desk.notUsableNow"),
                  ].join(" · ")}
                </dd>
              </div>
            ) : null}
          </dl>
          {verification.seats && verification.seats.devices.length > 0 ? (
            <table data-testid="devices">
              <caption>{t("desk.devices")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("desk.deviceId")}</th>
                  <th scope="col">{t("desk.activatedAt")}</th>
                  <th scope="col">{t("actions")}</th>
                </tr>
              </thead>
              <tbody>
                {verification.seats.devices.map((device) => (
                  <tr key={device.deviceId}>
                    <td className="mono">{device.deviceId}</td>
                    <td>{dateTime(device.activatedAt)}</td>
                    <td>
                      <button
                        type="button"
                        className="button small danger"
                        disabled={busy}
                        onClick={() => deactivate(device.deviceId)}
                      >
                        {t("desk.deactivate")}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {verification.history && verification.history.length > 0 ? (
            <table data-testid="history">
              <caption>{t("desk.history")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("desk.when")}</th>
                  <th scope="col">{t("desk.spent")}</th>
                  <th scope="col">{t("desk.location")}</th>
                </tr>
              </thead>
              <tbody>
                {verification.history.map((use) => (
                  <tr key={use.id}>
                    <td>{dateTime(use.createdAt)}</td>
                    <td>
                      {use.reversedAt ? <s>{money(use.amount)}</s> : money(use.amount)}
                      {use.reversedAt ? ` (${t("status.reversed")})` : ""}
                    </td>
                    <td>{use.location ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ) : null}
      {outcome?.kind === "redeemed" ? (
        <div className="verdict verdict-ok" role="status" data-testid="desk-outcome">
          <p className="verdict-title">✓ {t("desk.redeemed")}</p>
          <p>
            {outcome.code.balance
              ? t("desk.balanceLeftN", { amount: money(outcome.code.balance) })
              : t("desk.remainingN", { n: outcome.code.remainingUses })}
          </p>
        </div>
      ) : null}
      {outcome?.kind === "refused" ? (
        <div className="verdict verdict-refused" role="alert" data-testid="desk-outcome">
          <p className="verdict-title">✕ {t("desk.refused")}</p>
          <p>{t(outcome.reason)}</p>
        </div>
      ) : null}
    </section>
  );
}

interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type BarcodeDetectorCtor = new (options: { formats: string[] }) => BarcodeDetectorLike;

const Detector = (globalThis as unknown as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;

/** Camera scanning where the browser has a BarcodeDetector (Chrome on Android); typing always works. */
function Scanner({ onCode }: { onCode: (code: string) => void }) {
  const { t } = useI18n();
  const [scanning, setScanning] = useState(false);
  const [failed, setFailed] = useState(false);
  const videoRef = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    if (!scanning || !Detector) return;
    let stream: MediaStream | null = null;
    let stopped = false;
    const detector = new Detector({ formats: ["qr_code", "code_128"] });
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
        const video = videoRef.current;
        if (!video || stopped) return;
        video.srcObject = stream;
        await video.play();
        while (!stopped) {
          const found = await detector.detect(video).catch(() => []);
          const value = found[0]?.rawValue;
          if (value) {
            onCode(value);
            setScanning(false);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      } catch {
        setFailed(true);
        setScanning(false);
      }
    })();
    return () => {
      stopped = true;
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, [scanning, onCode]);

  if (!Detector) return null;
  return (
    <>
      <button type="button" className="button" onClick={() => setScanning((s) => !s)}>
        {scanning ? t("desk.stopScan") : t("desk.scan")}
      </button>
      {failed ? <span className="hint">{t("desk.cameraFailed")}</span> : null}
      {scanning ? <video ref={videoRef} className="scanner" muted playsInline aria-label={t("desk.scan")} /> : null}
    </>
  );
}
