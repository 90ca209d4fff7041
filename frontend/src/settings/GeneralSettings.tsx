import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Project } from "../api/types";
import { navigate } from "../app/router";
import { projectApi, useProjectStore } from "../projects/projectStore";
import { CopyButton } from "../ui/CopyButton";
import { ErrorNotice } from "../ui/ErrorNotice";
import { SaveFooter } from "./SaveFooter";
import { useSave } from "./useSave";

/** Name, allowed origins, identity verification, and deleting the project. */
export function GeneralSettings({ project }: { project: Project }) {
  const { t } = useTranslation();
  const isManager = project.role === "MANAGER";
  const [name, setName] = useState(project.name);
  const [origins, setOrigins] = useState(project.allowed_origins.join("\n"));
  const [identityRequired, setIdentityRequired] = useState(Boolean(project.identity_required));
  const save = useSave();
  const removal = useSave();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const allowed_origins = origins
      .split(/[\n,]/)
      .map((origin) => origin.trim())
      .filter(Boolean);
    await save.run(async () => {
      const updated = await projectApi.update(project.id, {
        name: name.trim(),
        allowed_origins,
        ...(project.identity_required !== undefined ? { identity_required: identityRequired } : {}),
      });
      useProjectStore.getState().replace(updated);
      setOrigins(updated.allowed_origins.join("\n"));
    });
  };

  const remove = async () => {
    if (!window.confirm(t("settings.deleteConfirm", { name: project.name }))) return;
    const ok = await removal.run(() => projectApi.remove(project.id));
    if (ok) {
      useProjectStore.getState().remove(project.id);
      navigate("/", { replace: true });
    }
  };

  return (
    <section aria-labelledby="general-title">
      <h2 id="general-title">{t("settings.tab.general")}</h2>
      <form className="form" onSubmit={submit}>
        <fieldset disabled={!isManager || save.isBusy}>
          <label htmlFor="project-name">{t("settings.projectName")}</label>
          <input id="project-name" required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
          <label htmlFor="allowed-origins">{t("settings.allowedOrigins")}</label>
          <textarea
            id="allowed-origins"
            rows={4}
            value={origins}
            placeholder="https://www.example.com"
            aria-describedby="allowed-origins-help"
            onChange={(e) => setOrigins(e.target.value)}
          />
          <p id="allowed-origins-help" className="muted small">
            {t("settings.allowedOriginsHelp")}
          </p>
          {project.identity_required !== undefined && (
            <label className="checkbox">
              <input
                type="checkbox"
                checked={identityRequired}
                onChange={(e) => setIdentityRequired(e.target.checked)}
              />
              {t("settings.identityRequired")}
            </label>
          )}
          <SaveFooter save={save} canSave={isManager} />
        </fieldset>
      </form>
      {isManager && project.identity_secret && (
        <div className="secret-box">
          <h3>{t("settings.identitySecret")}</h3>
          <p className="muted small">{t("settings.identitySecretHelp")}</p>
          <code>{project.identity_secret}</code> <CopyButton text={project.identity_secret} />
        </div>
      )}
      <h3>{t("settings.publicKey")}</h3>
      <p>
        <code>{project.public_key}</code> <CopyButton text={project.public_key} />
      </p>
      {isManager && (
        <div className="danger-zone">
          <h3>{t("settings.dangerZone")}</h3>
          <ErrorNotice message={removal.error} />
          <button type="button" className="button danger" onClick={() => void remove()} disabled={removal.isBusy}>
            {t("settings.deleteProject")}
          </button>
        </div>
      )}
    </section>
  );
}
