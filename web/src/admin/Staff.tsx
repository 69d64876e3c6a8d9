import { type FormEvent, useId, useRef, useState } from "react";
import { EmptyState, ErrorNotice, Loading, ShownOnce } from "../components/ui";
import { newIdempotencyKey } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";
import type { Role, StaffMember } from "../lib/types";
import { ROLES } from "./roles";
import { useAdmin } from "./session";

export function StaffPage() {
  const { api, me } = useAdmin();
  const { t, dateTime } = useI18n();
  const id = useId();
  const staff = useLoad((signal) => api.get<{ data: StaffMember[] }>("/v1/admin/staff", { signal }), [api]);
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("support");
  const [invite, setInvite] = useState<{ email: string; token: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const inviteKey = useRef(newIdempotencyKey());

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      staff.reload();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const inviteStaff = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      const created = await api.post<{ id: string; email: string; role: Role; inviteToken: string }>(
        "/v1/admin/staff",
        { email: email.trim(), name: name.trim(), role },
        { idempotencyKey: inviteKey.current },
      );
      inviteKey.current = newIdempotencyKey();
      setInvite({ email: created.email, token: created.inviteToken });
      setEmail("");
      setName("");
    });
  };

  return (
    <section>
      <h1>{t("staff.title")}</h1>
      {invite ? (
        <>
          <ShownOnce label={t("staff.inviteTokenFor", { email: invite.email })} value={invite.token} />
          <p className="hint">{t("staff.inviteHow", { path: "/admin/accept-invite" })}</p>
        </>
      ) : null}
      <ErrorNotice error={error} />
      <form onSubmit={inviteStaff} className="card inline-form">
        <div className="field">
          <label htmlFor={`${id}-email`}>{t("email")}</label>
          <input id={`${id}-email`} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t("staff.name")}</label>
          <input id={`${id}-name`} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>{t("staff.role")}</label>
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((option) => (
              <option key={option} value={option}>
                {t(`role.${option}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button primary" disabled={busy}>
          {t("staff.invite")}
        </button>
      </form>
      <ErrorNotice error={staff.error} />
      {staff.loading && !staff.data ? <Loading /> : null}
      {staff.data && staff.data.data.length === 0 ? <EmptyState>{t("staff.empty")}</EmptyState> : null}
      {staff.data && staff.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("staff.name")}</th>
                <th scope="col">{t("email")}</th>
                <th scope="col">{t("staff.role")}</th>
                <th scope="col">{t("staff.totp")}</th>
                <th scope="col">{t("partners.created")}</th>
                <th scope="col">{t("actions")}</th>
              </tr>
            </thead>
            <tbody>
              {staff.data.data.map((member) => {
                const self = member.id === me.staff.id;
                return (
                  <tr key={member.id}>
                    <td>{member.name}</td>
                    <td>
                      {member.email}
                      {member.status === "invited" ? (
                        <span className="badge badge-warning">{t("staff.invited")}</span>
                      ) : null}
                    </td>
                    <td>
                      <label className="sr-only" htmlFor={`${id}-role-${member.id}`}>
                        {t("staff.roleOf", { email: member.email })}
                      </label>
                      <select
                        id={`${id}-role-${member.id}`}
                        value={member.role}
                        disabled={busy || self}
                        onChange={(event) =>
                          act(async () => {
                            await api.patch(`/v1/admin/staff/${member.id}`, { role: event.target.value });
                          })
                        }
                      >
                        {ROLES.map((option) => (
                          <option key={option} value={option}>
                            {t(`role.${option}` as MessageKey)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>{member.totpEnabled ? t("yes") : t("no")}</td>
                    <td>{dateTime(member.createdAt)}</td>
                    <td>
                      {self ? (
                        <span className="muted small">{t("staff.you")}</span>
                      ) : (
                        <button
                          type="button"
                          className="button small danger"
                          disabled={busy}
                          onClick={() => {
                            if (!window.confirm(t("staff.confirmRemove", { email: member.email }))) return;
                            void act(async () => {
                              await api.del(`/v1/admin/staff/${member.id}`);
                            });
                          }}
                        >
                          {t("remove")}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
