import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Project, WidgetConfig } from "../api/types";
import { projectApi, useProjectStore } from "../projects/projectStore";
import { CopyButton } from "../ui/CopyButton";
import { SaveFooter } from "./SaveFooter";
import { useSave } from "./useSave";
import { WidgetPreview } from "./WidgetPreview";

export function embedSnippet(origin: string, publicKey: string): string {
  return `<script src="${origin}/widget/loader.js" data-project-key="${publicKey}" async></script>`;
}

/** The form edits every field; the server fills in any a project has not set. */
type WidgetForm = Required<WidgetConfig>;

const DEFAULT_WIDGET: WidgetForm = {
  color: "#1f6feb",
  position: "right",
  greeting: "",
  launcher_text: "",
  away_message: "",
};

/** Widget colour, position and texts with a live preview, and the embed snippet. */
export function WidgetSettings({ project }: { project: Project }) {
  const { t } = useTranslation();
  const isManager = project.role === "MANAGER";
  const [widget, setWidget] = useState<WidgetForm>({ ...DEFAULT_WIDGET, ...project.widget });
  const save = useSave();
  const snippet = embedSnippet(window.location.origin, project.public_key);
  const change = (patch: Partial<WidgetForm>) => setWidget({ ...widget, ...patch });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await save.run(async () => {
      const updated = await projectApi.update(project.id, { widget });
      useProjectStore.getState().replace(updated);
    });
  };

  return (
    <section aria-labelledby="widget-title">
      <h2 id="widget-title">{t("settings.tab.widget")}</h2>
      <div className="widget-settings">
        <form className="form" onSubmit={submit}>
          <fieldset disabled={!isManager || save.isBusy}>
            <label htmlFor="widget-color">{t("widget.color")}</label>
            <span className="color-field">
              <input
                id="widget-color"
                type="color"
                value={widget.color}
                onChange={(e) => change({ color: e.target.value })}
              />
              <code>{widget.color}</code>
            </span>
            <label htmlFor="widget-position">{t("widget.position")}</label>
            <select
              id="widget-position"
              value={widget.position}
              onChange={(e) => change({ position: e.target.value as WidgetConfig["position"] })}
            >
              <option value="right">{t("widget.right")}</option>
              <option value="left">{t("widget.left")}</option>
            </select>
            <label htmlFor="widget-greeting">{t("widget.greeting")}</label>
            <input
              id="widget-greeting"
              maxLength={280}
              value={widget.greeting}
              onChange={(e) => change({ greeting: e.target.value })}
            />
            <label htmlFor="widget-launcher">{t("widget.launcherText")}</label>
            <input
              id="widget-launcher"
              maxLength={40}
              value={widget.launcher_text}
              onChange={(e) => change({ launcher_text: e.target.value })}
            />
            <label htmlFor="widget-away">{t("widget.awayMessage")}</label>
            <textarea
              id="widget-away"
              rows={3}
              maxLength={500}
              value={widget.away_message}
              onChange={(e) => change({ away_message: e.target.value })}
            />
            <SaveFooter save={save} canSave={isManager} />
          </fieldset>
        </form>
        <WidgetPreview widget={widget} />
      </div>
      <h3 id="embed-title">{t("widget.embed")}</h3>
      <p className="muted small">{t("widget.embedHelp")}</p>
      <pre className="snippet" aria-labelledby="embed-title">
        <code>{snippet}</code>
      </pre>
      <CopyButton text={snippet} label={t("widget.copySnippet")} />
    </section>
  );
}
