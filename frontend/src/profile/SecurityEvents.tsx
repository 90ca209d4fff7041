import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import type { AuditEntry } from "../api/types";
import { authApi } from "../auth/authApi";
import { ErrorNotice } from "../ui/ErrorNotice";
import { formatDateTime } from "../ui/format";

/** The account's own security events: sign-ins, failed sign-ins, 2FA and password changes. */
export function SecurityEvents() {
  const { t } = useTranslation();
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  /** Fetches the page after `from` (the first page for null) and shows it. */
  const load = (from: string | null) =>
    authApi.securityEvents(from).then(
      (page) => {
        setItems((current) => (from ? [...current, ...page.items] : page.items));
        setCursor(page.next_cursor);
      },
      (caught) => setError(errorMessage(caught)),
    );

  useEffect(() => {
    void load(null);
  }, []);

  return (
    <section aria-labelledby="security-events-title">
      <h2 id="security-events-title">{t("security.events")}</h2>
      <ErrorNotice message={error} />
      <table className="table">
        <thead>
          <tr>
            <th>{t("security.when")}</th>
            <th>{t("security.event")}</th>
            <th>{t("security.from")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((entry) => (
            <tr key={entry.id}>
              <td>{formatDateTime(entry.created_at)}</td>
              <td>{t(`security.action.${entry.action.replace(/\./g, "_")}`, { defaultValue: entry.action })}</td>
              <td>
                {entry.ip ?? ""} <span className="muted small">{entry.user_agent ?? ""}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {cursor && (
        <button type="button" className="button secondary" onClick={() => void load(cursor)}>
          {t("security.more")}
        </button>
      )}
    </section>
  );
}
