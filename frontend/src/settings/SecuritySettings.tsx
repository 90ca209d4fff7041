import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Project } from "../api/types";
import { AuditLogViewer } from "../audit/AuditLogViewer";
import { projectApi, useProjectStore } from "../projects/projectStore";
import { SaveFooter } from "./SaveFooter";
import { useSave } from "./useSave";

/** The project's 2FA policy and audit retention, and its audit trail (managers). */
export function SecuritySettings({ project }: { project: Project }) {
  const { t } = useTranslation();
  const [require2fa, setRequire2fa] = useState(Boolean(project.require_2fa));
  const [retention, setRetention] = useState(String(project.audit_retention_days ?? 365));
  const save = useSave();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await save.run(async () => {
      const updated = await projectApi.update(project.id, {
        require_2fa: require2fa,
        audit_retention_days: Number(retention),
      });
      useProjectStore.getState().replace(updated);
    });
  };

  return (
    <section aria-labelledby="security-title">
      <h2 id="security-title">{t("settings.tab.security")}</h2>
      <form className="form" onSubmit={submit}>
        <fieldset disabled={save.isBusy}>
          <label className="checkbox">
            <input type="checkbox" checked={require2fa} onChange={(e) => setRequire2fa(e.target.checked)} />
            {t("security.require2fa")}
          </label>
          <p className="muted small">{t("security.require2faHelp")}</p>
          <label htmlFor="audit-retention">{t("security.retention")}</label>
          <input
            id="audit-retention"
            type="number"
            min={1}
            max={3650}
            required
            value={retention}
            onChange={(e) => setRetention(e.target.value)}
          />
          <SaveFooter save={save} canSave />
        </fieldset>
      </form>
      <AuditLogViewer project={project} />
    </section>
  );
}
