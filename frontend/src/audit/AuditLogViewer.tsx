import { useCallback, useEffect, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import type { AuditEntry, Project } from "../api/types";
import { ErrorNotice } from "../ui/ErrorNotice";
import { formatDateTime } from "../ui/format";
import type { AuditFilters } from "./auditApi";
import { auditApi } from "./auditApi";

function isoDay(value: string, endOfDay = false): string | undefined {
  return value ? `${value}T${endOfDay ? "23:59:59" : "00:00:00"}Z` : undefined;
}

/** The project's audit trail with filters (managers). */
export function AuditLogViewer({ project }: { project: Project }) {
  const { t } = useTranslation();
  const [action, setAction] = useState("");
  const [actorType, setActorType] = useState("");
  const [targetType, setTargetType] = useState("");
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const [filters, setFilters] = useState<AuditFilters>({});
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  /** Fetches the page after `from` (the first page for null) and shows it. */
  const load = useCallback(
    (from: string | null) =>
      auditApi.list(project.id, filters, from).then(
        (page) => {
          setError(null);
          setItems((current) => (from ? [...current, ...page.items] : page.items));
          setCursor(page.next_cursor);
        },
        (caught) => setError(errorMessage(caught)),
      ),
    [project.id, filters],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters({
      action: action.trim() || undefined,
      actor_type: actorType || undefined,
      target_type: targetType.trim() || undefined,
      since: isoDay(since),
      until: isoDay(until, true),
    });
  };

  return (
    <section aria-labelledby="audit-title">
      <h3 id="audit-title">{t("security.auditLog")}</h3>
      <form className="form audit-filters" onSubmit={apply}>
        <label htmlFor="audit-action">{t("security.event")}</label>
        <input
          id="audit-action"
          placeholder="project.update"
          value={action}
          onChange={(e) => setAction(e.target.value)}
        />
        <label htmlFor="audit-actor">{t("security.actor")}</label>
        <select id="audit-actor" value={actorType} onChange={(e) => setActorType(e.target.value)}>
          <option value="">{t("security.anyActor")}</option>
          <option value="user">{t("security.actorType.user")}</option>
          <option value="api_key">{t("security.actorType.api_key")}</option>
          <option value="system">{t("security.actorType.system")}</option>
        </select>
        <label htmlFor="audit-target">{t("security.target")}</label>
        <input
          id="audit-target"
          placeholder="conversation"
          value={targetType}
          onChange={(e) => setTargetType(e.target.value)}
        />
        <label htmlFor="audit-since">{t("security.since")}</label>
        <input id="audit-since" type="date" value={since} onChange={(e) => setSince(e.target.value)} />
        <label htmlFor="audit-until">{t("security.until")}</label>
        <input id="audit-until" type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
        <button type="submit" className="button secondary">
          {t("security.filter")}
        </button>
      </form>
      <ErrorNotice message={error} />
      <table className="table">
        <thead>
          <tr>
            <th>{t("security.when")}</th>
            <th>{t("security.actor")}</th>
            <th>{t("security.event")}</th>
            <th>{t("security.target")}</th>
            <th>{t("security.changes")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((entry) => (
            <tr key={entry.id}>
              <td>{formatDateTime(entry.created_at)}</td>
              <td>
                {t(`security.actorType.${entry.actor.type}`)} {entry.actor.id ?? ""}
              </td>
              <td>{entry.action}</td>
              <td>
                {entry.target.type ?? ""} {entry.target.id ?? ""}
              </td>
              <td>
                <code className="small">{JSON.stringify(entry.changes)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length === 0 && !error && <p className="muted">{t("security.noEntries")}</p>}
      {cursor && (
        <button type="button" className="button secondary" onClick={() => void load(cursor)}>
          {t("security.more")}
        </button>
      )}
    </section>
  );
}
