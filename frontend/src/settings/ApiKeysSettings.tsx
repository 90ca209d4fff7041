import { useEffect, useEffectEvent, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { ApiKey, Project, Role } from "../api/types";
import { CopyButton } from "../ui/CopyButton";
import { ErrorNotice } from "../ui/ErrorNotice";
import { formatDateTime } from "../ui/format";
import { settingsApi } from "./settingsApi";
import { useSave } from "./useSave";

/** Project API keys for REST integrations; a new key's secret is shown once. */
export function ApiKeysSettings({ project }: { project: Project }) {
  const { t } = useTranslation();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("AGENT");
  const [secret, setSecret] = useState<string | null>(null);
  const list = useSave();
  const form = useSave();

  const reload = async () => setKeys((await settingsApi.apiKeys(project.id)).items);

  // Loads on opening, and again for another project; `reload` itself may change with every render.
  const loadFirst = useEffectEvent(() => void list.run(reload));
  useEffect(() => loadFirst(), [project.id]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await form.run(async () => {
      const created = await settingsApi.createApiKey(project.id, name.trim(), role);
      setSecret(created.key ?? null);
      await reload();
    });
    if (ok) setName("");
  };

  const revoke = (key: ApiKey) => {
    if (!window.confirm(t("apiKeys.revokeConfirm", { name: key.name }))) return;
    void list.run(async () => {
      await settingsApi.revokeApiKey(project.id, key.id);
      await reload();
    });
  };

  return (
    <section aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">{t("settings.tab.api-keys")}</h2>
      <form className="form inline-form" onSubmit={submit}>
        <fieldset disabled={form.isBusy}>
          <label htmlFor="api-key-name">{t("apiKeys.name")}</label>
          <input id="api-key-name" required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
          <label htmlFor="api-key-role">{t("apiKeys.role")}</label>
          <select id="api-key-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="AGENT">{t("roles.AGENT")}</option>
            <option value="MANAGER">{t("roles.MANAGER")}</option>
          </select>
          <button className="button primary" type="submit">
            {t("apiKeys.create")}
          </button>
        </fieldset>
      </form>
      <ErrorNotice message={form.error} />
      {secret && (
        <div className="secret-box" role="status">
          <p>
            <strong>{t("apiKeys.shownOnce")}</strong>
          </p>
          <code className="break" data-testid="new-api-key">
            {secret}
          </code>{" "}
          <CopyButton text={secret} />
          <button type="button" className="button ghost" onClick={() => setSecret(null)}>
            {t("apiKeys.done")}
          </button>
        </div>
      )}
      <ErrorNotice message={list.error} />
      {keys === null ? (
        <p className="muted">{t("common.loading")}</p>
      ) : keys.length === 0 ? (
        <p className="muted">{t("apiKeys.none")}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("apiKeys.name")}</th>
              <th scope="col">{t("apiKeys.prefix")}</th>
              <th scope="col">{t("apiKeys.role")}</th>
              <th scope="col">{t("apiKeys.created")}</th>
              <th scope="col">{t("apiKeys.lastUsed")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("common.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={String(key.id)}>
                <td>{key.name}</td>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>{t(`roles.${key.role}`)}</td>
                <td>{formatDateTime(key.created_at)}</td>
                <td>{formatDateTime(key.last_used_at) || t("apiKeys.never")}</td>
                <td>
                  {key.revoked_at ? (
                    <span className="muted small">
                      {t("apiKeys.revokedAt", { when: formatDateTime(key.revoked_at) })}
                    </span>
                  ) : (
                    <button
                      type="button"
                      className="button ghost"
                      aria-label={t("apiKeys.revokeNamed", { name: key.name })}
                      onClick={() => revoke(key)}
                    >
                      {t("apiKeys.revoke")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
