import { useEffect, useEffectEvent, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Invitation, Project, Role } from "../api/types";
import { CopyButton } from "../ui/CopyButton";
import { ErrorNotice } from "../ui/ErrorNotice";
import { formatDateTime } from "../ui/format";
import { settingsApi } from "./settingsApi";
import { useSave } from "./useSave";

/** Invite by email (the link is also shown to copy) and withdraw pending invitations. */
export function InvitationsSettings({ project }: { project: Project }) {
  const { t } = useTranslation();
  const [invitations, setInvitations] = useState<Invitation[] | null>(null);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("AGENT");
  const [created, setCreated] = useState<Invitation | null>(null);
  const list = useSave();
  const form = useSave();

  const reload = async () => setInvitations((await settingsApi.invitations(project.id)).items);

  // Loads on opening, and again for another project; `reload` itself may change with every render.
  const loadFirst = useEffectEvent(() => void list.run(reload));
  useEffect(() => loadFirst(), [project.id]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await form.run(async () => {
      setCreated(await settingsApi.invite(project.id, email.trim(), role));
      await reload();
    });
    if (ok) setEmail("");
  };

  const revoke = (invitation: Invitation) =>
    void list.run(async () => {
      await settingsApi.revokeInvitation(project.id, invitation.id);
      await reload();
    });

  return (
    <section aria-labelledby="invitations-title">
      <h2 id="invitations-title">{t("settings.tab.invitations")}</h2>
      <form className="form inline-form" onSubmit={submit}>
        <fieldset disabled={form.isBusy}>
          <label htmlFor="invite-email">{t("invitations.email")}</label>
          <input id="invite-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          <label htmlFor="invite-role">{t("invitations.role")}</label>
          <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="AGENT">{t("roles.AGENT")}</option>
            <option value="MANAGER">{t("roles.MANAGER")}</option>
          </select>
          <button className="button primary" type="submit">
            {t("invitations.send")}
          </button>
        </fieldset>
      </form>
      <ErrorNotice message={form.error} />
      {created?.accept_url && (
        <div className="secret-box" role="status">
          <p>{t("invitations.sent", { email: created.email })}</p>
          <code className="break">{created.accept_url}</code>{" "}
          <CopyButton text={created.accept_url} label={t("invitations.copyLink")} />
        </div>
      )}
      <h3>{t("invitations.pending")}</h3>
      <ErrorNotice message={list.error} />
      {invitations === null ? (
        <p className="muted">{t("common.loading")}</p>
      ) : invitations.length === 0 ? (
        <p className="muted">{t("invitations.none")}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("invitations.email")}</th>
              <th scope="col">{t("invitations.role")}</th>
              <th scope="col">{t("invitations.expires")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("common.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invitations.map((invitation) => (
              <tr key={String(invitation.id)}>
                <td>{invitation.email}</td>
                <td>{t(`roles.${invitation.role}`)}</td>
                <td>{formatDateTime(invitation.expires_at) || "—"}</td>
                <td>
                  <button
                    type="button"
                    className="button ghost"
                    aria-label={t("invitations.revokeNamed", { email: invitation.email })}
                    onClick={() => revoke(invitation)}
                  >
                    {t("invitations.revoke")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
