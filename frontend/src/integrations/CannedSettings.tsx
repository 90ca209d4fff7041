import { useEffect, useEffectEvent, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { CannedResponse, CannedScope, Project } from "../api/types";
import { useAuthStore } from "../auth/authStore";
import { useSave } from "../settings/useSave";
import { ErrorNotice } from "../ui/ErrorNotice";
import { cannedApi } from "./integrationsApi";

const VARIABLES = ["visitor.name", "visitor.email", "agent.name", "project.name"];
const EMPTY = { shortcut: "", title: "", content: "" };

/** Canned responses: project-wide ones (managers write) and each agent's personal ones. */
export function CannedSettings({ project }: { project: Project }) {
  const { t } = useTranslation();
  const me = useAuthStore((state) => state.user);
  const isManager = project.role === "MANAGER";
  const [items, setItems] = useState<CannedResponse[] | null>(null);
  const [query, setQuery] = useState("");
  const [draft, setDraft] = useState(EMPTY);
  const [scope, setScope] = useState<CannedScope>(isManager ? "project" : "personal");
  const [editing, setEditing] = useState<CannedResponse["id"] | null>(null);
  const list = useSave();
  const form = useSave();

  const reload = async (q = query) => setItems((await cannedApi.list(project.id, q.trim())).items);
  // Loads on opening, and again for another project; `reload` itself may change with every render.
  const loadFirst = useEffectEvent(() => void list.run(() => reload()));
  useEffect(() => loadFirst(), [project.id]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = {
      shortcut: draft.shortcut.trim().replace(/^\//, ""),
      title: draft.title.trim(),
      content: draft.content.trim(),
    };
    const ok = await form.run(async () => {
      if (editing != null) await cannedApi.update(project.id, editing, body);
      else await cannedApi.create(project.id, { ...body, scope });
      await reload();
    });
    if (ok) {
      setDraft(EMPTY);
      setEditing(null);
    }
  };

  const canWrite = (item: CannedResponse) =>
    item.scope === "project" ? isManager : item.owner_id != null && item.owner_id === me?.id;

  return (
    <section aria-labelledby="canned-title">
      <h2 id="canned-title">{t("integrations.canned.title")}</h2>
      <p className="muted small">{t("integrations.canned.help")}</p>
      <form className="form" onSubmit={submit}>
        <fieldset disabled={form.isBusy}>
          <label htmlFor="canned-shortcut">{t("integrations.canned.shortcut")}</label>
          <input
            id="canned-shortcut"
            required
            maxLength={64}
            pattern="/?[\w.\-]+"
            value={draft.shortcut}
            onChange={(e) => setDraft({ ...draft, shortcut: e.target.value })}
          />
          <label htmlFor="canned-title-input">{t("integrations.canned.titleLabel")}</label>
          <input
            id="canned-title-input"
            required
            maxLength={200}
            value={draft.title}
            onChange={(e) => setDraft({ ...draft, title: e.target.value })}
          />
          <label htmlFor="canned-content">{t("integrations.canned.content")}</label>
          <textarea
            id="canned-content"
            required
            rows={4}
            maxLength={5000}
            value={draft.content}
            onChange={(e) => setDraft({ ...draft, content: e.target.value })}
          />
          <p className="muted small">
            {t("integrations.canned.variables")}{" "}
            {VARIABLES.map((name) => (
              <code key={name}>{`{{${name}}} `}</code>
            ))}
          </p>
          {editing == null && (
            <>
              <label htmlFor="canned-scope">{t("integrations.canned.scope")}</label>
              <select id="canned-scope" value={scope} onChange={(e) => setScope(e.target.value as CannedScope)}>
                {isManager && <option value="project">{t("integrations.canned.project")}</option>}
                <option value="personal">{t("integrations.canned.personal")}</option>
              </select>
            </>
          )}
          <span className="inline-field">
            <button className="button primary" type="submit">
              {editing == null ? t("integrations.canned.create") : t("common.save")}
            </button>
            {editing != null && (
              <button
                type="button"
                className="button ghost"
                onClick={() => {
                  setEditing(null);
                  setDraft(EMPTY);
                }}
              >
                {t("common.cancel")}
              </button>
            )}
          </span>
        </fieldset>
      </form>
      <ErrorNotice message={form.error} />
      <label htmlFor="canned-search">{t("integrations.canned.search")}</label>
      <input
        id="canned-search"
        type="search"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          void list.run(() => reload(e.target.value));
        }}
      />
      <ErrorNotice message={list.error} />
      {items !== null && items.length === 0 && <p className="muted">{t("integrations.canned.none")}</p>}
      {items !== null && items.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("integrations.canned.shortcut")}</th>
              <th scope="col">{t("integrations.canned.titleLabel")}</th>
              <th scope="col">{t("integrations.canned.scope")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("common.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={String(item.id)}>
                <td>
                  <code>/{item.shortcut}</code>
                </td>
                <td>{item.title}</td>
                <td>
                  {item.scope === "project" ? t("integrations.canned.project") : t("integrations.canned.personal")}
                </td>
                <td>
                  {canWrite(item) && (
                    <span className="inline-field">
                      <button
                        type="button"
                        className="button ghost"
                        onClick={() => {
                          setEditing(item.id);
                          setDraft({ shortcut: item.shortcut, title: item.title, content: item.content });
                        }}
                      >
                        {t("integrations.canned.edit")}
                      </button>
                      <button
                        type="button"
                        className="button ghost"
                        onClick={() => {
                          if (window.confirm(t("integrations.canned.deleteConfirm", { shortcut: item.shortcut }))) {
                            void list.run(async () => {
                              await cannedApi.remove(project.id, item.id);
                              await reload();
                            });
                          }
                        }}
                      >
                        {t("integrations.canned.delete")}
                      </button>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
