import { useEffect, useEffectEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Member, Project, Role } from "../api/types";
import { useAuthStore } from "../auth/authStore";
import { useMembersStore } from "../projects/membersStore";
import { ErrorNotice } from "../ui/ErrorNotice";
import { settingsApi } from "./settingsApi";
import { useSave } from "./useSave";

/** Members and their roles; managers change roles and remove people. */
export function MembersSettings({ project }: { project: Project }) {
  const { t } = useTranslation();
  const isManager = project.role === "MANAGER";
  const me = useAuthStore((state) => state.user);
  const [members, setMembers] = useState<Member[] | null>(null);
  const action = useSave();

  const reload = async () => {
    const page = await settingsApi.members(project.id);
    setMembers(page.items);
    useMembersStore.getState().replace(page.items);
  };

  // Loads on opening, and again for another project; `reload` itself may change with every render.
  const loadFirst = useEffectEvent(() => void action.run(reload));
  useEffect(() => loadFirst(), [project.id]);

  const changeRole = (member: Member, role: Role) =>
    action.run(async () => {
      await settingsApi.changeRole(project.id, member.user.id, role);
      await reload();
    });

  const remove = (member: Member) => {
    if (!window.confirm(t("members.removeConfirm", { name: member.user.name || member.user.email }))) return;
    void action.run(async () => {
      await settingsApi.removeMember(project.id, member.user.id);
      await reload();
    });
  };

  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">{t("settings.tab.members")}</h2>
      <ErrorNotice message={action.error} />
      {members === null ? (
        <p className="muted">{t("common.loading")}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("members.name")}</th>
              <th scope="col">{t("members.email")}</th>
              <th scope="col">{t("members.role")}</th>
              {isManager && (
                <th scope="col">
                  <span className="visually-hidden">{t("common.actions")}</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {members.map((member) => {
              const label = member.user.name || member.user.email;
              return (
                <tr key={String(member.user.id)}>
                  <td>
                    {label}
                    {String(member.user.id) === String(me?.id) && (
                      <span className="muted small"> ({t("inbox.you")})</span>
                    )}
                  </td>
                  <td>{member.user.email}</td>
                  <td>
                    {isManager ? (
                      <select
                        aria-label={t("members.roleOf", { name: label })}
                        value={member.role}
                        disabled={action.isBusy}
                        onChange={(e) => void changeRole(member, e.target.value as Role)}
                      >
                        <option value="MANAGER">{t("roles.MANAGER")}</option>
                        <option value="AGENT">{t("roles.AGENT")}</option>
                      </select>
                    ) : (
                      t(`roles.${member.role}`)
                    )}
                  </td>
                  {isManager && (
                    <td>
                      <button
                        type="button"
                        className="button ghost"
                        disabled={action.isBusy}
                        aria-label={t("members.removeNamed", { name: label })}
                        onClick={() => remove(member)}
                      >
                        {t("members.remove")}
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
