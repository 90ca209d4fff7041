import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { AssigneeFilter, ConversationFilter } from "./merge";
import { SEARCH_ID } from "./useInboxShortcuts";
import { useInboxStore } from "./useInboxStore";

const ASSIGNEES: AssigneeFilter[] = ["me", "none", "all"];
const STATUSES: Array<ConversationFilter["status"]> = ["open", "pending", "snoozed", "resolved", "all"];

/** Mine / unassigned / all, status, and search (debounced). */
export function ConversationFilters() {
  const { t } = useTranslation();
  const filter = useInboxStore((state) => state.filter);
  const setFilter = useInboxStore((state) => state.setFilter);
  const [query, setQuery] = useState(filter.q);

  useEffect(() => {
    if (query === filter.q) return;
    const timer = setTimeout(() => void setFilter({ q: query }), 300);
    return () => clearTimeout(timer);
  }, [query, filter.q, setFilter]);

  return (
    <div className="conversation-filters">
      <div className="segmented" role="group" aria-label={t("inbox.assigneeFilter")}>
        {ASSIGNEES.map((assignee) => (
          <button
            key={assignee}
            type="button"
            aria-pressed={filter.assignee === assignee}
            onClick={() => void setFilter({ assignee })}
          >
            {t(`inbox.assignee.${assignee}`)}
          </button>
        ))}
      </div>
      <div className="filter-row">
        <label className="inline-field">
          <span>{t("inbox.status")}</span>
          <select
            value={filter.status}
            onChange={(e) => void setFilter({ status: e.target.value as ConversationFilter["status"] })}
          >
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`status.${status}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="search-field">
        <span className="visually-hidden">{t("inbox.search")}</span>
        <input
          id={SEARCH_ID}
          type="search"
          placeholder={t("inbox.searchPlaceholder")}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") void setFilter({ q: query });
          }}
        />
      </label>
    </div>
  );
}
