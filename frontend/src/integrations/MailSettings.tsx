import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, errorMessage } from "../api/client";
import type { Id, MailSettings as MailSettingsBody, Project } from "../api/types";
import { SaveFooter } from "../settings/SaveFooter";
import { useSave } from "../settings/useSave";
import { ErrorNotice } from "../ui/ErrorNotice";

const path = (projectId: Id) => `/projects/${encodeURIComponent(String(projectId))}/mail-settings`;

/** Transcripts emailed on resolve and digests of messages left while the team is away. */
export function MailSettings({ project }: { project: Project }) {
  const { t } = useTranslation();
  const isManager = project.role === "MANAGER";
  const [form, setForm] = useState<MailSettingsBody | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const save = useSave();

  useEffect(() => {
    api
      .get<MailSettingsBody>(path(project.id))
      .then(setForm)
      .catch((error) => setLoadError(errorMessage(error)));
  }, [project.id]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (form) await save.run(async () => setForm(await api.patch<MailSettingsBody>(path(project.id), form)));
  };

  return (
    <section aria-labelledby="mail-settings-title">
      <h2 id="mail-settings-title">{t("integrations.mail.title")}</h2>
      <ErrorNotice message={loadError} />
      {form && (
        <form className="form" onSubmit={submit}>
          <fieldset disabled={!isManager || save.isBusy}>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={form.send_transcripts}
                onChange={(e) => setForm({ ...form, send_transcripts: e.target.checked })}
              />{" "}
              {t("integrations.mail.transcripts")}
            </label>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={form.send_away_digests}
                onChange={(e) => setForm({ ...form, send_away_digests: e.target.checked })}
              />{" "}
              {t("integrations.mail.awayDigests")}
            </label>
            <SaveFooter save={save} canSave={isManager} />
          </fieldset>
        </form>
      )}
    </section>
  );
}
