import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/client";
import { navigate } from "../app/router";
import { ErrorNotice } from "../ui/ErrorNotice";
import { useProjectStore } from "./projectStore";

/** Creates a project; the creator becomes its manager. */
export function CreateProjectPage({ isFirst }: { isFirst: boolean }) {
  const { t } = useTranslation();
  const create = useProjectStore((state) => state.create);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const project = await create(name.trim());
      navigate(`/projects/${project.id}/settings/widget`);
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  };

  return (
    <main className="page narrow">
      <h1>{isFirst ? t("projects.firstTitle") : t("projects.newTitle")}</h1>
      {isFirst && <p className="muted">{t("projects.firstHelp")}</p>}
      <form className="form" onSubmit={submit}>
        <label htmlFor="project-name">{t("projects.name")}</label>
        <input id="project-name" required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
        <ErrorNotice message={error} />
        <button className="button primary" type="submit" disabled={isBusy}>
          {t("projects.create")}
        </button>
      </form>
    </main>
  );
}
