import { useTranslation } from "react-i18next";
import type { Id } from "../api/types";
import { navigate } from "../app/router";
import { useProjectStore } from "./projectStore";

const NEW_PROJECT = "__new__";

/** Switches between the projects this agent belongs to. */
export function ProjectSwitcher({ projectId }: { projectId: Id | null }) {
  const { t } = useTranslation();
  const projects = useProjectStore((state) => state.projects);
  return (
    <label className="inline-field project-switcher">
      <span className="visually-hidden">{t("projects.switch")}</span>
      <select
        value={projectId != null ? String(projectId) : ""}
        onChange={(e) => {
          const value = e.target.value;
          navigate(value === NEW_PROJECT ? "/projects/new" : `/projects/${value}/conversations`);
        }}
      >
        {projectId == null && <option value="">{t("projects.choose")}</option>}
        {projects.map((project) => (
          <option key={String(project.id)} value={String(project.id)}>
            {project.name}
          </option>
        ))}
        <option value={NEW_PROJECT}>{t("projects.new")}</option>
      </select>
    </label>
  );
}
