import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, errorMessage } from "../api/client";
import type { Id, Project, VisitorExport } from "../api/types";
import { ErrorNotice } from "../ui/ErrorNotice";

/** Managers export everything stored about a visitor (JSON) or erase it (GDPR); both are audited. */
export function VisitorDataRights({ project, visitorId }: { project: Project; visitorId: Id }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [isErased, setErased] = useState(false);
  if (project.role !== "MANAGER") return null;
  const base = `/projects/${project.id}/visitors/${visitorId}`;

  const exportData = async () => {
    setError(null);
    try {
      const data = await api.get<VisitorExport>(`${base}/export`);
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
      link.download = `visitor-${visitorId}.json`;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  const erase = async () => {
    if (!window.confirm(t("security.eraseConfirm"))) return;
    setError(null);
    try {
      await api.post<void>(`${base}/erase`);
      setErased(true);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  return (
    <div className="visitor-data-rights">
      <button type="button" className="button secondary" onClick={() => void exportData()}>
        {t("security.exportVisitor")}
      </button>{" "}
      <button type="button" className="button danger" onClick={() => void erase()} disabled={isErased}>
        {t("security.eraseVisitor")}
      </button>
      {isErased && <p role="status">{t("security.erased")}</p>}
      <ErrorNotice message={error} />
    </div>
  );
}
